// Hotline form: picking a suggested staff member (the htmx fragment under the field) fills the field with
// their badge number and routes the call to their department. A file of its own: no inline scripts (CSP).
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    var option = event.target.closest("[data-pick-staff]");
    if (!option) return;
    var box = option.closest("#hotline-staff-suggestions");
    var input = document.getElementById("id_staff");
    var department = document.getElementById("id_department");
    if (input) { input.value = option.dataset.pickStaff; input.focus(); }
    if (department && department.querySelector('option[value="' + option.dataset.pickDepartment + '"]')) {
      department.value = option.dataset.pickDepartment;
    }
    if (box) box.innerHTML = "";
  });
})();
