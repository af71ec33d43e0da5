/*
 * The search pages without a submit button to press: a facet checkbox or the sort order
 * submits the form as soon as it changes. The page is a plain GET form and works the same
 * without JavaScript (the "Apply" buttons); this only saves the click.
 *
 * After the reload, focus returns to the control the visitor changed, so keyboard and
 * screen-reader users keep their place in the list of filters.
 */
(function () {
  "use strict";

  var FOCUS_KEY = "wake-search-focus";

  function init() {
    var form = document.querySelector("[data-search-form]");
    if (!form) return;
    document.documentElement.classList.add("js");

    form.addEventListener("change", function (event) {
      var target = event.target;
      if (!target.hasAttribute || !target.hasAttribute("data-auto-submit")) return;
      try {
        if (target.id) window.sessionStorage.setItem(FOCUS_KEY, target.id);
      } catch (error) {
        // Storage refused (private mode): the search still works, focus goes to the top.
      }
      form.submit();
    });

    var focusId = null;
    try {
      focusId = window.sessionStorage.getItem(FOCUS_KEY);
      window.sessionStorage.removeItem(FOCUS_KEY);
    } catch (error) {
      focusId = null;
    }
    if (focusId) {
      var element = document.getElementById(focusId);
      if (element) element.focus({ preventScroll: false });
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
