// Unforgotten: a progress bar for evidence uploads. The form works without this file (it posts
// and the answer is a page with the hashes); with it, the files go by XMLHttpRequest, the bar
// follows the upload's progress, and the same answer is shown under the form.
(function () {
  "use strict";
  function show(form, box, doc, ok) {
    var done = doc.querySelector("#upload-done") || doc.querySelector("main");
    if (done) { box.replaceChildren(document.importNode(done, true)); }
    if (ok) { form.reset(); }
  }
  function send(form, event) {
    var bar = form.querySelector("#upload-progress");
    var status = form.querySelector("#upload-status");
    var box = document.getElementById("upload-result");
    var button = form.querySelector("button");
    if (!bar || !box || !window.FormData) { return; }
    event.preventDefault();
    var xhr = new XMLHttpRequest();
    xhr.open("POST", form.action);
    xhr.responseType = "document";
    var token = form.querySelector("input[name=csrf]");
    if (token) { xhr.setRequestHeader("X-CSRF-Token", token.value); }
    bar.parentNode.hidden = false;
    bar.value = 0;
    button.disabled = true;
    status.textContent = form.dataset.uploading || "";
    xhr.upload.addEventListener("progress", function (e) {
      if (!e.lengthComputable) { return; }
      bar.value = Math.round((100 * e.loaded) / e.total);
      status.textContent = bar.value + " % · " + Math.round(e.loaded / 1e6) + " / " + Math.round(e.total / 1e6) + " MB";
    });
    xhr.addEventListener("load", function () {
      button.disabled = false;
      bar.value = 100;
      status.textContent = "";
      if (xhr.response) { show(form, box, xhr.response, xhr.status < 400); }
      if (xhr.status >= 400) { box.classList.add("failed"); } else { box.classList.remove("failed"); }
    });
    xhr.addEventListener("error", function () {
      button.disabled = false;
      status.textContent = form.dataset.failed || "error";
    });
    xhr.send(new FormData(form));
  }
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form && form.hasAttribute && form.hasAttribute("data-upload")) { send(form, event); }
  });
})();
