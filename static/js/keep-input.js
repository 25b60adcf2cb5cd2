// Switching language reloads the page: keep what was typed in its forms (progressive
// enhancement; without JavaScript the switch still works, typed text not yet sent is lost).
(function () {
  "use strict";
  var KEY = "keep-input:" + location.pathname + location.search;
  function fields() {
    return document.querySelectorAll(
      "main form input:not([type=hidden]):not([type=password]):not([type=file]), main form textarea, main form select"
    );
  }
  var switcher = document.getElementById("language-switch");
  if (switcher) {
    switcher.addEventListener("submit", function () {
      var saved = {};
      fields().forEach(function (el) {
        if (!el.name) return;
        if (el.type === "checkbox" || el.type === "radio") {
          if (el.checked) saved[el.name + "=" + el.value] = true;
        } else {
          saved[el.name] = el.value;
        }
      });
      try { sessionStorage.setItem(KEY, JSON.stringify(saved)); } catch (e) { /* private mode */ }
    });
  }
  var raw = null;
  try { raw = sessionStorage.getItem(KEY); sessionStorage.removeItem(KEY); } catch (e) { return; }
  if (!raw) return;
  var saved = JSON.parse(raw);
  fields().forEach(function (el) {
    if (!el.name) return;
    if (el.type === "checkbox" || el.type === "radio") {
      if (saved[el.name + "=" + el.value]) el.checked = true;
    } else if (Object.prototype.hasOwnProperty.call(saved, el.name)) {
      el.value = saved[el.name];
    }
  });
})();
