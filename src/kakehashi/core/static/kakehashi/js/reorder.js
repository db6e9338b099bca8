/* Reorder widget for rank lists: drag and drop, arrow keys and buttons.
 *
 * Markup (see applications/_reorder.html): a [data-reorder] container with a
 * form holding an <ol data-list="ranked"> and a <ul data-list="unranked"> of
 * .reorder-item elements. Each item carries a hidden input name="ids"; the
 * input is disabled while the item is unranked, so the form posts the ranked
 * order. Without this script every button submits the form and the server
 * applies the move. With it, moves happen here, are announced in the
 * aria-live region, and Save submits the whole order.
 *
 * Listeners are delegated from the document, so fragments swapped in by htmx
 * work without re-initialising anything. No inline code: CSP allows 'self' only.
 *
 * With data-limit on the container (the call's ranking limit) an item is not
 * added beyond the limit: nothing moves, nothing is sent, and data-msg-full is
 * announced and shown. The [data-count] line keeps "n of max" up to date.
 */
(function () {
  "use strict";

  function widgetOf(node) { return node.closest("[data-reorder]"); }
  function list(widget, name) { return widget.querySelector('[data-list="' + name + '"]'); }
  function items(listNode) { return Array.from(listNode.querySelectorAll(":scope > .reorder-item")); }

  function format(template, values) {
    return template.replace(/\{(\w+)\}/g, function (match, key) {
      return Object.prototype.hasOwnProperty.call(values, key) ? String(values[key]) : match;
    });
  }

  function announce(widget, key, item) {
    var ranked = list(widget, "ranked");
    var region = widget.querySelector("[data-announce]");
    var template = widget.dataset[key] || "";
    if (!region || !template) return;
    region.textContent = format(template, {
      item: item.dataset.label,
      position: items(ranked).indexOf(item) + 1,
      total: items(ranked).length,
    });
  }

  function limitOf(widget) { return parseInt(widget.dataset.limit || "0", 10); }

  function isFull(widget) {
    var limit = limitOf(widget);
    return limit > 0 && items(list(widget, "ranked")).length >= limit;
  }

  // Refuse an addition beyond the limit, saying why (live region and visible line).
  function refuseFull(widget, item) {
    var text = format(widget.dataset.msgFull || "", { item: item.dataset.label });
    var region = widget.querySelector("[data-announce]");
    if (region) region.textContent = text;
    var shown = widget.querySelector("[data-full]");
    if (!shown) {
      shown = document.createElement("p");
      shown.className = "error";
      shown.setAttribute("data-full", "");
      var count = widget.querySelector("[data-count]");
      if (count) count.after(shown); else list(widget, "ranked").before(shown);
    }
    shown.textContent = text;
  }

  function recount(widget) {
    var count = widget.querySelector("[data-count]");
    if (count && count.dataset.countText) {
      count.textContent = format(count.dataset.countText, {
        count: items(list(widget, "ranked")).length, limit: limitOf(widget),
      });
    }
    var shown = widget.querySelector("[data-full]");
    if (shown && !isFull(widget)) shown.remove();
  }

  function changed(widget) {
    var flag = widget.querySelector("[data-dirty]");
    if (flag) flag.hidden = false;
    items(list(widget, "ranked")).forEach(function (li) {
      li.querySelector('input[name="ids"]').disabled = false;
    });
    items(list(widget, "unranked")).forEach(function (li) {
      li.querySelector('input[name="ids"]').disabled = true;
    });
    recount(widget);
  }

  function move(item, verb) {
    var widget = widgetOf(item);
    var ranked = list(widget, "ranked");
    var unranked = list(widget, "unranked");
    if (verb === "up" && item.previousElementSibling) {
      item.parentNode.insertBefore(item, item.previousElementSibling);
    } else if (verb === "down" && item.nextElementSibling) {
      item.parentNode.insertBefore(item.nextElementSibling, item);
    } else if (verb === "add") {
      if (isFull(widget)) { refuseFull(widget, item); return false; }
      ranked.appendChild(item);
    } else if (verb === "remove") {
      unranked.appendChild(item);
    } else {
      return false;
    }
    changed(widget);
    announce(widget, verb === "add" ? "msgAdded" : verb === "remove" ? "msgRemoved" : "msgMoved", item);
    return true;
  }

  // Buttons: move here instead of submitting; keep focus on the same control
  // (or on the item when the control is hidden in its new list).
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-reorder] button[data-move]");
    if (!button) return;
    event.preventDefault();
    var item = button.closest(".reorder-item");
    move(item, button.dataset.move);
    if (button.offsetParent !== null) button.focus(); else item.focus();
  });

  // Keyboard: arrow keys on a focused ranked item move it.
  document.addEventListener("keydown", function (event) {
    var item = event.target;
    if (!item.classList || !item.classList.contains("reorder-item")) return;
    if (!widgetOf(item) || item.parentNode.dataset.list !== "ranked") return;
    var verb = { ArrowUp: "up", ArrowDown: "down" }[event.key];
    if (!verb || event.altKey || event.ctrlKey || event.metaKey) return;
    event.preventDefault();
    if (move(item, verb)) item.focus();
  });

  // Drag and drop (HTML5). Dropping on an item inserts before it; dropping on
  // an empty part of a list appends to that list.
  var dragged = null;

  function clearMarks() {
    document.querySelectorAll(".drop-before").forEach(function (n) { n.classList.remove("drop-before"); });
  }

  document.addEventListener("dragstart", function (event) {
    var item = event.target.closest && event.target.closest("[data-reorder] .reorder-item");
    if (!item) return;
    dragged = item;
    item.classList.add("dragging");
    event.dataTransfer.effectAllowed = "move";
    event.dataTransfer.setData("text/plain", item.dataset.id);
  });

  document.addEventListener("dragover", function (event) {
    if (!dragged) return;
    var target = event.target.closest && event.target.closest("[data-list]");
    if (!target || widgetOf(target) !== widgetOf(dragged)) return;
    event.preventDefault();
    event.dataTransfer.dropEffect = "move";
    clearMarks();
    var over = event.target.closest(".reorder-item");
    if (over && over !== dragged) over.classList.add("drop-before");
  });

  document.addEventListener("drop", function (event) {
    if (!dragged) return;
    var target = event.target.closest && event.target.closest("[data-list]");
    if (!target || widgetOf(target) !== widgetOf(dragged)) return;
    event.preventDefault();
    var widget = widgetOf(dragged);
    if (target.dataset.list === "ranked" && dragged.parentNode !== target && isFull(widget)) {
      refuseFull(widget, dragged);
      return;
    }
    var over = event.target.closest(".reorder-item");
    if (over && over !== dragged) target.insertBefore(dragged, over);
    else if (!over) target.appendChild(dragged);
    changed(widget);
    var inRanked = dragged.parentNode.dataset.list === "ranked";
    announce(widget, inRanked ? "msgMoved" : "msgRemoved", dragged);
    dragged.focus();
  });

  document.addEventListener("dragend", function () {
    if (dragged) dragged.classList.remove("dragging");
    dragged = null;
    clearMarks();
  });
})();
