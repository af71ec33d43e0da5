/*
 * Taxonomy autocomplete: progressive enhancement of the browser's search box.
 *
 * Follows the WAI-ARIA 1.2 combobox pattern with a listbox popup
 * (https://www.w3.org/WAI/ARIA/apg/patterns/combobox/): the input keeps focus, the active
 * option is announced through aria-activedescendant, and a polite live region says how many
 * suggestions there are. Without JavaScript the form is a plain GET search.
 *
 * Markup: <div data-autocomplete data-endpoint="..." data-lang="fr"> wrapping the <input>.
 * Choosing a suggestion opens its page; with data-pick-name="skill" (a picker of the search
 * page), it adds the concept's URI to the form as that hidden field and submits the form
 * ("auto": skills as "skill", occupations as "occupation").
 * data-type="skill" or "occupation" restricts the suggestions to one kind.
 */
(function () {
  "use strict";

  var DEBOUNCE_MS = 150;
  var MIN_CHARS = 2;
  var counter = 0;

  function setup(wrapper) {
    var input = wrapper.querySelector("input[type=search], input[type=text]");
    if (!input || wrapper.dataset.autocompleteReady) return;
    wrapper.dataset.autocompleteReady = "1";
    var form = input.form;
    var id = "ac-" + ++counter;
    var listbox = document.createElement("ul");
    var status = document.createElement("div");
    var options = [];
    var active = -1;
    var timer = null;
    var controller = null;
    var lastQuery = null;

    listbox.id = id + "-listbox";
    listbox.className = "autocomplete__list";
    listbox.setAttribute("role", "listbox");
    listbox.setAttribute("aria-label", input.labels && input.labels[0] ? input.labels[0].textContent : "");
    listbox.hidden = true;
    status.className = "visually-hidden";
    status.setAttribute("role", "status");
    status.setAttribute("aria-live", "polite");
    wrapper.appendChild(listbox);
    wrapper.appendChild(status);

    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", listbox.id);

    function currentType() {
      var name = wrapper.dataset.typeField;
      if (!name || !form) return wrapper.dataset.type || "";
      var checked = form.querySelector("input[name='" + name + "']:checked");
      return checked ? checked.value : "";
    }

    function close() {
      listbox.hidden = true;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
      active = -1;
    }

    function highlight(index) {
      options.forEach(function (option, i) {
        option.setAttribute("aria-selected", i === index ? "true" : "false");
      });
      active = index;
      if (index >= 0) {
        input.setAttribute("aria-activedescendant", options[index].id);
        options[index].scrollIntoView({ block: "nearest" });
      } else {
        input.removeAttribute("aria-activedescendant");
      }
    }

    function render(results) {
      listbox.textContent = "";
      options = results.map(function (result, i) {
        var option = document.createElement("li");
        option.id = id + "-option-" + i;
        option.className = "autocomplete__option";
        option.setAttribute("role", "option");
        option.setAttribute("aria-selected", "false");
        option.dataset.url = result.url;
        option.dataset.uri = result.uri;
        option.dataset.type = result.type;
        var label = document.createElement("span");
        label.className = "autocomplete__label";
        label.textContent = result.label;
        option.appendChild(label);
        if (result.alt_match) {
          var alt = document.createElement("span");
          alt.className = "autocomplete__alt";
          alt.textContent = (wrapper.dataset.labelAlso || "also") + " “" + result.alt_match + "”";
          option.appendChild(alt);
        }
        var kind = document.createElement("span");
        kind.className = "autocomplete__kind";
        kind.textContent = result.type === "occupation"
          ? wrapper.dataset.labelOccupation || "Occupation"
          : wrapper.dataset.labelSkill || "Skill";
        option.appendChild(kind);
        option.addEventListener("mousedown", function (event) {
          // mousedown, not click: the input must not lose focus before we navigate.
          event.preventDefault();
          go(i);
        });
        listbox.appendChild(option);
        return option;
      });
      active = -1;
      if (options.length) {
        listbox.hidden = false;
        input.setAttribute("aria-expanded", "true");
        status.textContent = (wrapper.dataset.labelCount || "%(count)s").replace("%(count)s", options.length);
      } else {
        close();
        status.textContent = wrapper.dataset.labelNone || "";
      }
    }

    function go(index) {
      var option = options[index];
      if (!option) return;
      if (wrapper.dataset.pickName && form) {
        // "auto": a skill becomes a picked skill, an occupation the goal.
        var name = wrapper.dataset.pickName === "auto" ? option.dataset.type : wrapper.dataset.pickName;
        pick(name, option.dataset.uri);
      } else if (option.dataset.url) {
        window.location.assign(option.dataset.url);
      }
    }

    function pick(name, uri) {
      // One goal at most; skills accumulate (once each).
      var existing = form.querySelectorAll("input[type=hidden][name='" + name + "']");
      var present = Array.prototype.some.call(existing, function (field) {
        return field.value === uri;
      });
      if (name === "occupation") {
        Array.prototype.forEach.call(existing, function (field) {
          field.remove();
        });
        present = false;
      }
      if (!present) {
        var hidden = document.createElement("input");
        hidden.type = "hidden";
        hidden.name = name;
        hidden.value = uri;
        form.appendChild(hidden);
      }
      input.value = "";
      close();
      form.submit();
    }

    function fetchSuggestions() {
      var query = input.value.trim();
      var type = currentType();
      var key = query + "\u0000" + type;
      if (query.length < MIN_CHARS) {
        lastQuery = null;
        render([]);
        status.textContent = "";
        return;
      }
      if (key === lastQuery) return;
      lastQuery = key;
      if (controller) controller.abort();
      controller = "AbortController" in window ? new AbortController() : null;
      var params = new URLSearchParams({ q: query, lang: wrapper.dataset.lang || "" });
      if (type) params.set("type", type);
      fetch(wrapper.dataset.endpoint + "?" + params.toString(), {
        headers: { Accept: "application/json" },
        signal: controller ? controller.signal : undefined,
      })
        .then(function (response) {
          if (!response.ok) throw new Error("HTTP " + response.status);
          return response.json();
        })
        .then(function (data) {
          if (input.value.trim() === query) render(data.results || []);
        })
        .catch(function (error) {
          if (error.name !== "AbortError") close();
        });
    }

    input.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(fetchSuggestions, DEBOUNCE_MS);
    });

    input.addEventListener("keydown", function (event) {
      var open = !listbox.hidden && options.length > 0;
      switch (event.key) {
        case "ArrowDown":
          event.preventDefault();
          if (!open) {
            lastQuery = null;
            fetchSuggestions();
            return;
          }
          highlight(active < options.length - 1 ? active + 1 : 0);
          break;
        case "ArrowUp":
          if (!open) return;
          event.preventDefault();
          highlight(active > 0 ? active - 1 : options.length - 1);
          break;
        case "Home":
        case "End":
          if (!open) return;
          event.preventDefault();
          highlight(event.key === "Home" ? 0 : options.length - 1);
          break;
        case "Enter":
          // With an option highlighted, Enter opens it; otherwise the form submits as usual.
          if (open && active >= 0) {
            event.preventDefault();
            go(active);
          }
          break;
        case "Escape":
          if (open) {
            event.preventDefault();
            close();
          } else if (input.value) {
            event.preventDefault();
            input.value = "";
          }
          break;
        case "Tab":
          close();
          break;
        default:
          break;
      }
    });

    input.addEventListener("blur", function () {
      window.setTimeout(close, 100);
    });

    if (form && wrapper.dataset.typeField) {
      form.addEventListener("change", function (event) {
        if (event.target.name === wrapper.dataset.typeField) {
          lastQuery = null;
          if (document.activeElement === input) fetchSuggestions();
        }
      });
    }
  }

  function init() {
    Array.prototype.forEach.call(document.querySelectorAll("[data-autocomplete]"), setup);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
