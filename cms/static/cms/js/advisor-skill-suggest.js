/* Emerging-skills queue: suggest skills while a curator types in a field marked
   data-skill-suggest, through the taxonomy autocomplete (JSON). The suggestions fill the
   field's <datalist>; choosing one puts the skill's URI in the field, which the server
   resolves. Without JavaScript the field takes a URI or an exact label as typed. */
(function () {
  "use strict";
  var DEBOUNCE_MS = 200;

  function setup(input) {
    var list = document.getElementById(input.getAttribute("list"));
    var endpoint = input.getAttribute("data-skill-suggest");
    var lang = document.documentElement.lang || "fr";
    var timer = null;
    var controller = null;
    input.addEventListener("input", function () {
      var query = input.value.trim();
      window.clearTimeout(timer);
      if (query.length < 2 || query.indexOf("http") === 0) {
        return;
      }
      timer = window.setTimeout(function () {
        if (controller) {
          controller.abort();
        }
        controller = new AbortController();
        var url = endpoint + "?type=skill&lang=" + encodeURIComponent(lang) + "&q=" + encodeURIComponent(query);
        fetch(url, { signal: controller.signal, headers: { Accept: "application/json" } })
          .then(function (response) { return response.ok ? response.json() : { results: [] }; })
          .then(function (data) {
            list.textContent = "";
            data.results.forEach(function (result) {
              var option = document.createElement("option");
              option.value = result.uri;
              option.label = result.label;
              option.textContent = result.label;
              list.appendChild(option);
            });
          })
          .catch(function () { /* an aborted or failed request leaves the field as typed */ });
      }, DEBOUNCE_MS);
    });
  }

  document.querySelectorAll("input[data-skill-suggest][list]").forEach(setup);
})();
