// Small progressive enhancements hooked by data-* attributes (no inline scripts: CSP).
(function () {
  "use strict";
  var script = document.currentScript;

  // --- Confirmation before an irreversible action -------------------------------------------
  // data-confirm="sentence" on a submit button (or on a form: every submit of it) asks in a dialog
  // (core/base.html's <dialog id="qs-confirm">) that names the consequence; data-confirm-ok="Close the item"
  // names the confirming button (default: the clicked button's text). Cancel changes nothing.
  var confirmed = null; // the button (or form) whose next submit was confirmed

  function ask(message, okLabel, danger, onConfirm) {
    var dialog = document.getElementById("qs-confirm");
    if (!dialog || typeof dialog.showModal !== "function") {
      if (window.confirm(message)) onConfirm();
      return;
    }
    dialog.querySelector("[data-confirm-message]").textContent = message;
    var ok = dialog.querySelector("[data-confirm-ok]");
    ok.textContent = okLabel || ok.dataset.default;
    ok.className = "btn " + (danger ? "btn-danger" : "btn-primary");
    dialog.returnValue = "";
    dialog.onclose = function () {
      dialog.onclose = null;
      if (dialog.returnValue === "yes") onConfirm();
    };
    dialog.showModal();
    dialog.querySelector("[data-confirm-cancel]").focus();
  }

  function isDanger(el) {
    return /\bbtn-(outline-)?(danger|warning)\b/.test(el.className || "");
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest("button[data-confirm], input[type=submit][data-confirm], a[data-confirm]");
    if (!button) return;
    if (confirmed === button) { confirmed = null; return; }
    event.preventDefault();
    var label = button.dataset.confirmOk || (button.textContent || button.value || "").trim();
    ask(button.dataset.confirm, label, isDanger(button), function () {
      if (button.tagName === "A") { window.location.href = button.href; return; }
      var form = button.form;
      if (!form) return;
      if (form.requestSubmit) { form.requestSubmit(button); return; }
      confirmed = button; // older browsers: click again, past this handler
      button.click();
    });
  });

  // Forms marked data-confirm ask before any submit (captured before data-once below).
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.matches || !form.matches("form[data-confirm]")) return;
    if (confirmed === form) { confirmed = null; return; }
    event.preventDefault();
    event.stopImmediatePropagation();
    var submitter = event.submitter || null;
    var label = form.dataset.confirmOk || (submitter ? (submitter.textContent || submitter.value || "").trim() : "");
    ask(form.dataset.confirm, label, submitter ? isDanger(submitter) : false, function () {
      confirmed = form;
      if (form.requestSubmit) form.requestSubmit(submitter || undefined); else form.submit();
    });
  }, true);

  // Forms marked data-once disable their submit buttons after the first submit so a
  // double click sends one request (the server also deduplicates).
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.matches || !form.matches("form[data-once]") || event.defaultPrevented) return;
    if (form.dataset.submitted === "1") { event.preventDefault(); return; }
    form.dataset.submitted = "1";
    form.querySelectorAll("button[type=submit], input[type=submit]").forEach(function (b) {
      // Keep the clicked button's name/value in the submitted data.
      setTimeout(function () { b.disabled = true; }, 0);
    });
  }, true);
  // A page restored from the back/forward cache: its once-forms may be sent again (the server deduplicates).
  window.addEventListener("pageshow", function (event) {
    if (!event.persisted) return;
    document.querySelectorAll("form[data-once][data-submitted]").forEach(function (form) {
      delete form.dataset.submitted;
      form.querySelectorAll("button[type=submit], input[type=submit]").forEach(function (b) { b.disabled = false; });
    });
  });

  // data-autosubmit on a select submits its form when changed.
  document.addEventListener("change", function (event) {
    if (event.target.matches("[data-autosubmit]")) event.target.form.requestSubmit();
  });

  // --- Lists as cards on a phone (table.qs-cards, app.css) ----------------------------------
  // Each cell gets its column's heading as data-label (shown in front of the value on a card), and the
  // column's card classes: qs-card-title (the card's title), qs-card-wide (no label: a form, buttons),
  // qs-card-hide (left off the card), set on the <th> or on the cells themselves.
  var CARD_CLASSES = ["qs-card-title", "qs-card-wide", "qs-card-hide"];

  function labelCards(root) {
    (root || document).querySelectorAll("table.qs-cards").forEach(function (table) {
      var columns = [];
      table.querySelectorAll(":scope > thead > tr:first-child > th").forEach(function (th) {
        var span = th.colSpan || 1;
        var text = (th.dataset.label !== undefined ? th.dataset.label : th.textContent).trim();
        var classes = CARD_CLASSES.filter(function (c) { return th.classList.contains(c); });
        for (var i = 0; i < span; i++) columns.push({ label: text, classes: classes });
      });
      table.querySelectorAll(":scope > tbody > tr").forEach(function (tr) {
        var col = 0;
        Array.prototype.forEach.call(tr.children, function (cell) {
          var column = columns[col] || { label: "", classes: [] };
          if (cell.colSpan === 1) {
            column.classes.forEach(function (c) { cell.classList.add(c); });
            var bare = cell.classList.contains("qs-card-title") || cell.classList.contains("qs-card-wide");
            if (!cell.hasAttribute("data-label")) cell.setAttribute("data-label", bare ? "" : column.label);
          }
          col += cell.colSpan || 1;
        });
      });
    });
  }

  // --- Dates in the page's language (flatpickr, vendored; never the browser's own format) ------------
  // Every <input type="date"> and <input type="datetime-local"> gets a picker in the language of the page
  // (<html lang>); the value sent stays ISO (YYYY-MM-DD, YYYY-MM-DDTHH:MM), what Django's fields parse.
  // Without JavaScript the browser's own input remains.
  var ALT_FORMATS = {
    zh: { date: "Y年n月j日", datetime: "Y年n月j日 H:i" },
    en: { date: "j M Y", datetime: "j M Y H:i" }
  };
  var pickerAssets = null;

  function loadPicker(done) {
    if (window.flatpickr && (!isChinese() || window.flatpickr.l10ns.zh)) { done(); return; }
    if (pickerAssets) { pickerAssets.push(done); return; }
    pickerAssets = [done];
    var css = document.createElement("link");
    css.rel = "stylesheet";
    css.href = script.dataset.datepickerCss;
    document.head.appendChild(css);
    var main = document.createElement("script");
    main.src = script.dataset.datepickerJs;
    main.onload = function () {
      function ready() { pickerAssets.forEach(function (f) { f(); }); pickerAssets = []; }
      if (!isChinese()) { ready(); return; }
      var zh = document.createElement("script");
      zh.src = script.dataset.datepickerZh;
      zh.onload = ready;
      document.head.appendChild(zh);
    };
    document.head.appendChild(main);
  }

  function isChinese() {
    return (document.documentElement.lang || "").toLowerCase().indexOf("zh") === 0;
  }

  function datePickers(root) {
    var inputs = (root || document).querySelectorAll("input[type=date]:not([data-no-picker]), input[type=datetime-local]:not([data-no-picker])");
    if (!inputs.length || !script || !script.dataset.datepickerJs) return;
    loadPicker(function () {
      var lang = isChinese() ? "zh" : "en";
      inputs.forEach(function (input) {
        if (input._flatpickr) return;
        var withTime = input.type === "datetime-local";
        input.type = "text";
        var options = {
          dateFormat: withTime ? "Y-m-d\\TH:i" : "Y-m-d",
          altInput: true,
          altFormat: ALT_FORMATS[lang][withTime ? "datetime" : "date"],
          allowInput: false,
          disableMobile: true,
          enableTime: withTime,
          time_24hr: true,
          locale: lang === "zh" ? window.flatpickr.l10ns.zh : "default",
          onReady: function (dates, value, instance) {
            // The field's label names the input the visitor types in (the original one is now hidden).
            var alt = instance.altInput;
            if (input.id) {
              alt.id = input.id + "_picker";
              document.querySelectorAll('label[for="' + input.id + '"]').forEach(function (label) { label.htmlFor = alt.id; });
            }
            alt.setAttribute("data-datepicker-shown", lang);
          }
        };
        if (input.min) options.minDate = input.min;
        if (input.max) options.maxDate = input.max;
        window.flatpickr(input, options);
        input.setAttribute("data-datepicker", lang);
      });
    });
  }

  function enhance(root) {
    labelCards(root);
    datePickers(root);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", function () { enhance(); });
  else enhance();
  document.addEventListener("htmx:afterSwap", function (event) { enhance(event.target); });
})();
