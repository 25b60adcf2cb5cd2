// Submits the form marked data-submit-on-load once the page has loaded (the SAML ACS's
// same-site second POST). Without JavaScript, the form's own Continue button does the same.
(function () {
  "use strict";
  var form = document.querySelector("form[data-submit-on-load]");
  if (form) {
    form.submit();
  }
})();
