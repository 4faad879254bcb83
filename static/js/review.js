/* Review queue keyboard: j/k or arrows move, a r n f x o press the current item's button.
   Every action is a plain form or link, so the page works without this file. */
(function () {
  "use strict";
  var list = document.getElementById("review-items");
  if (!list) { return; }
  var NAVIGATION = { j: 1, ArrowRight: 1, k: -1, ArrowLeft: -1 };
  var current = null;

  function open() {
    return Array.prototype.slice.call(list.querySelectorAll(".review-item:not(.done)"));
  }

  function select(item) {
    if (current) { current.classList.remove("current"); }
    current = item || null;
    if (current) {
      current.classList.add("current");
      current.focus({ preventScroll: true });
      current.scrollIntoView({ block: "nearest" });
    }
  }

  function move(step) {
    var items = open();
    if (!items.length) { select(null); return; }
    var index = items.indexOf(current);
    if (index === -1) { select(items[0]); return; }
    select(items[Math.min(Math.max(index + step, 0), items.length - 1)]);
  }

  function isTyping(target) {
    return target && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName));
  }

  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey || isTyping(event.target)) { return; }
    if (Object.prototype.hasOwnProperty.call(NAVIGATION, event.key)) {
      event.preventDefault();
      move(NAVIGATION[event.key]);
      return;
    }
    if (!current || event.key.length !== 1) { return; }
    var control = current.querySelector('[data-key="' + event.key.toLowerCase() + '"]');
    if (control) {
      event.preventDefault();
      control.click();
    }
  });

  list.addEventListener("click", function (event) {
    var item = event.target.closest(".review-item:not(.done)");
    if (item && item !== current) { select(item); }
  });

  // htmx replaced an item's content with the outcome: it is done, go on to the next one.
  document.body.addEventListener("htmx:afterSwap", function (event) {
    var item = event.detail.target;
    if (!item.classList || !item.classList.contains("review-item")) { return; }
    if (item.querySelector(".review-done.failed")) { return; }
    var items = open();
    var next = items[items.indexOf(item) + 1] || null;
    item.classList.add("done");
    item.classList.remove("current");
    if (item === current) { current = null; }
    select(next || open()[0]);
  });

  select(open()[0]);
})();
