"""The "data and licences" page and the files of the latest open-data dump."""

from django.http import FileResponse, Http404
from django.shortcuts import render

from cms.opendata import DICTIONARY, LICENCE, open_data_latest

CONTENT_TYPES = {
    ".csv": "text/csv; charset=utf-8",
    ".json": "application/json",
    ".txt": "text/plain; charset=utf-8",
}


def open_data(request):
    return render(
        request,
        "cms/open_data.html",
        {"dump": open_data_latest(), "dictionary": DICTIONARY, "licence": LICENCE},
    )


def open_data_file(request, name: str):
    dump = open_data_latest()
    # Only the files the manifest lists: the name never reaches the file system otherwise.
    if dump is None or name not in dump.files:
        raise Http404
    suffix = name[name.rfind(".") :]
    response = FileResponse(
        open(dump.folder / name, "rb"),  # noqa: SIM115 (FileResponse closes it)
        content_type=CONTENT_TYPES.get(suffix, "application/octet-stream"),
        as_attachment=suffix != ".txt",
        filename=f"wake-{dump.folder.name}-{name}",
    )
    response["Cache-Control"] = "public, max-age=3600"
    return response
