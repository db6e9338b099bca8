/* Keep the keyboard focus when htmx replaces the part of the page that held it.
 *
 * When a fragment swap removes the focused control (the Apply or Save button),
 * the browser drops the focus to <body>: a keyboard user starts again from the
 * top, and a screen reader may not read the outcome, because a live region
 * inserted together with its text is often not announced. So, only in that
 * case, focus moves to the new fragment's alert or status message.
 * Swaps that did not hold the focus (live search results, polling) never move it.
 * No inline code: CSP allows 'self' only.
 */
(function () {
  "use strict";

  var heldFocus = null;

  document.addEventListener("htmx:beforeSwap", function (event) {
    var target = event.detail.target;
    var active = document.activeElement;
    heldFocus = target && target.id && active && active !== document.body && target.contains(active)
      ? target.id : null;
  });

  document.addEventListener("htmx:afterSettle", function () {
    var id = heldFocus;
    heldFocus = null;
    if (!id) return;
    var active = document.activeElement;
    if (active && active !== document.body && document.contains(active)) return;
    var root = document.getElementById(id);
    var message = root && root.querySelector('[role="alert"], [role="status"]');
    if (!message) return;
    if (!message.hasAttribute("tabindex")) message.setAttribute("tabindex", "-1");
    message.focus();
  });
})();
