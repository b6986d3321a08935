// The article form: an image chosen while writing is uploaded (cleaned by core.images on the server) and its
// <img> inserted into the body where the cursor is. Hooked by data-image-upload-url on the body's textarea.
(function () {
  "use strict";
  document.querySelectorAll("textarea[data-image-upload-url]").forEach(function (body) {
    var form = body.closest("form");
    var box = document.createElement("div");
    box.className = "mt-2 d-flex flex-wrap align-items-center gap-2";
    var label = document.createElement("label");
    label.className = "btn btn-sm btn-outline-secondary mb-0";
    label.textContent = body.dataset.imageLabel;
    var input = document.createElement("input");
    input.type = "file";
    input.accept = "image/*";
    input.className = "visually-hidden";
    input.setAttribute("data-testid", "body-image");
    label.appendChild(input);
    var status = document.createElement("span");
    status.className = "small";
    status.setAttribute("role", "status");
    status.setAttribute("data-testid", "body-image-status");
    box.appendChild(label);
    box.appendChild(status);
    body.insertAdjacentElement("afterend", box);

    input.addEventListener("change", function () {
      var file = input.files && input.files[0];
      if (!file) return;
      var data = new FormData();
      data.append("image", file);
      data.append("csrfmiddlewaretoken", form.querySelector("[name=csrfmiddlewaretoken]").value);
      status.className = "small text-secondary";
      status.textContent = body.dataset.imageBusy;
      fetch(body.dataset.imageUploadUrl, { method: "POST", body: data, credentials: "same-origin",
                                            headers: { "Accept": "application/json" } })
        .then(function (response) { return response.json().then(function (json) { return [response.ok, json]; }); })
        .then(function (result) {
          if (!result[0]) throw new Error(result[1].error || body.dataset.imageFailed);
          var at = body.selectionStart != null ? body.selectionEnd : body.value.length;
          body.value = body.value.slice(0, at) + result[1].html + body.value.slice(at);
          body.dispatchEvent(new Event("input", { bubbles: true }));
          status.className = "small text-success";
          status.textContent = body.dataset.imageDone;
        })
        .catch(function (error) {
          status.className = "small text-danger";
          status.textContent = error.message || body.dataset.imageFailed;
        })
        .finally(function () { input.value = ""; });
    });
  });
})();
