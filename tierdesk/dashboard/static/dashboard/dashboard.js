// On a phone the filters start folded (their summary says what is shown), so the numbers
// come first; on a wider screen they stay open.
document.querySelectorAll("details[data-fold-on-phone]").forEach((box) => {
  if (window.matchMedia("(max-width: 600px)").matches) box.open = false;
});
