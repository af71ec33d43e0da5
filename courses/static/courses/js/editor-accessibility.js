/*
 * Accessible names Wagtail's page editor leaves out (axe-core, WCAG 2.1 4.1.2 and 2.1.1):
 * - the rich-text area (Draftail's contenteditable "textbox") is named by its field's label;
 * - the free-tags widget's typing box (jQuery UI tag-it) is named by its field's label;
 * - the side minimap's list, scrollable while its links are out of the tab order when it is
 *   collapsed, can take keyboard focus to be scrolled.
 * Both widgets are drawn after the page loads (and again when a panel is added), so the names
 * are set whenever the editor's DOM changes.
 */
(function () {
  "use strict";

  function fieldLabel(element) {
    var wrapper = element.closest("[data-field-wrapper]");
    if (!wrapper) return null;
    var input = wrapper.querySelector("input[id], textarea[id]");
    var label = input && document.querySelector('label[for="' + input.id + '"]');
    if (!label) {
      var section = wrapper.closest("section");
      label = section && section.querySelector("[id$='-heading']");
    }
    return label;
  }

  function nameBy(element, label) {
    if (!label || element.hasAttribute("aria-label") || element.hasAttribute("aria-labelledby")) {
      return;
    }
    if (!label.id) return;
    element.setAttribute("aria-labelledby", label.id);
  }

  function nameControls() {
    document.querySelectorAll(".public-DraftEditor-content[role=textbox]").forEach(function (box) {
      nameBy(box, fieldLabel(box));
    });
    document.querySelectorAll("input.ui-autocomplete-input").forEach(function (input) {
      nameBy(input, fieldLabel(input));
    });
    document.querySelectorAll(".w-minimap__list:not([tabindex])").forEach(function (list) {
      list.setAttribute("tabindex", "0");
      var toggle = document.getElementById("w-minimap-toggle");
      if (toggle) list.setAttribute("aria-labelledby", "w-minimap-toggle");
    });
  }

  var pending = false;
  function schedule() {
    if (pending) return;
    pending = true;
    window.requestAnimationFrame(function () {
      pending = false;
      nameControls();
    });
  }

  function init() {
    nameControls();
    new MutationObserver(schedule).observe(document.body, { childList: true, subtree: true });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
