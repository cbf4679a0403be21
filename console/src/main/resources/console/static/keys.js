// The copy button beside a new key's secret.
(function () {
  'use strict';
  var button = document.getElementById('copy-secret');
  if (!button) {
    return;
  }
  var status = document.getElementById('copy-status');
  var secret = document.getElementById(button.getAttribute('data-copy-target'));

  function selectSecret() {
    var range = document.createRange();
    range.selectNodeContents(secret);
    var selection = window.getSelection();
    selection.removeAllRanges();
    selection.addRange(range);
  }

  button.addEventListener('click', function () {
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(secret.textContent).then(function () {
        status.textContent = 'Copied.';
      }, function () {
        selectSecret();
        status.textContent = 'Selected: press Ctrl+C to copy.';
      });
    } else {
      selectSecret();
      status.textContent = 'Selected: press Ctrl+C to copy.';
    }
  });
})();
