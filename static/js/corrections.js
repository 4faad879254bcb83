// Selecting text in the article body fills the "Add a quote" form with the selection's offsets.
// Every run of the body is an element with data-offset (its position in the article's text)
// holding one text node, so an offset inside the node plus data-offset is a body offset.
(function () {
  function bodyOffset(node, offset) {
    if (node.nodeType !== Node.TEXT_NODE) return null;
    const run = node.parentElement.closest("[data-offset]");
    return run ? Number(run.dataset.offset) + offset : null;
  }

  document.addEventListener("mouseup", function () {
    const form = document.getElementById("add-quote");
    const body = document.querySelector(".article-body");
    const selection = window.getSelection();
    if (!form || !body || !selection.rangeCount || selection.isCollapsed) return;
    const range = selection.getRangeAt(0);
    if (!body.contains(range.startContainer) || !body.contains(range.endContainer)) return;
    const start = bodyOffset(range.startContainer, range.startOffset);
    const end = bodyOffset(range.endContainer, range.endOffset);
    if (start === null || end === null || end <= start) return;
    form.elements.start.value = start;
    form.elements.end.value = end;
    form.querySelector("[data-selected-text]").textContent = selection.toString();
    form.closest("details").open = true;
  });
})();
