// "In phiếu" button of the printable score sheet (no inline script: the CSP allows only 'self').
document.querySelectorAll("[data-sheet-print]").forEach(function (button) {
  button.addEventListener("click", function () { window.print(); });
});
