"""One loader a part of the demo (site, shortage_list, cadastre, postings), each idempotent,
each called by `manage.py load_demo` with the output stream to report on."""
