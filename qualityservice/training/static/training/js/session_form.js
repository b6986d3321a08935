// The training session form: choosing another department reloads the page with that department's staff
// (?department=<id>); the attendee list can be filtered by name, badge number or post, ticked all at once
// or cleared, and shows how many are ticked.
(function () {
  "use strict";
  const form = document.querySelector("[data-testid=session-form]");
  if (!form) return;

  const department = form.querySelector("[data-reload-with]");
  if (department && !department.disabled) {
    department.addEventListener("change", function () {
      const url = new URL(window.location.href);
      url.searchParams.set(department.dataset.reloadWith, department.value);
      window.location.assign(url.toString());
    });
  }

  const rows = Array.from(form.querySelectorAll("[data-attendee]"));
  const count = form.querySelector("[data-attendee-count]");
  const boxes = () => rows.map((row) => row.querySelector("input[type=checkbox]")).filter(Boolean);
  const update = () => {
    if (count) count.textContent = String(boxes().filter((box) => box.checked).length);
  };
  rows.forEach((row) => row.addEventListener("change", update));

  const filter = form.querySelector("[data-attendee-filter]");
  if (filter) {
    filter.addEventListener("input", function () {
      const needle = filter.value.trim().toLowerCase();
      rows.forEach((row) => {
        row.classList.toggle("d-none", needle !== "" && !row.textContent.toLowerCase().includes(needle));
      });
    });
    // Enter in the search box filters; it must not send the form.
    filter.addEventListener("keydown", (event) => { if (event.key === "Enter") event.preventDefault(); });
  }
  const shown = () => rows.filter((row) => !row.classList.contains("d-none"));
  const all = form.querySelector("[data-select-all]");
  if (all) all.addEventListener("click", () => { shown().forEach((row) => { row.querySelector("input").checked = true; }); update(); });
  const none = form.querySelector("[data-select-none]");
  if (none) none.addEventListener("click", () => { boxes().forEach((box) => { box.checked = false; }); update(); });
  update();
})();
