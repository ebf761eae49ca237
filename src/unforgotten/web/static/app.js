// Unforgotten: keyboard shortcuts for the review queue (A accept, R reject, S skip).
// The pages work without this file; it only adds keys.
(function () {
  "use strict";
  document.addEventListener("keydown", function (event) {
    var target = event.target;
    if (event.ctrlKey || event.metaKey || event.altKey) { return; }
    if (target && (target.tagName === "INPUT" || target.tagName === "TEXTAREA" || target.tagName === "SELECT")) { return; }
    var control = document.querySelector('[data-key="' + event.key.toLowerCase() + '"]');
    if (!control) { return; }
    event.preventDefault();
    control.click();
  });
})();
