// Asks before a form that destroys something is sent: a form (or the button
// that sends it) with data-confirm="…" is submitted only when the person
// agrees to its question. A form with several buttons puts the question on
// the one that needs it (发布, not 试算).
document.addEventListener('submit', (event) => {
  const button = event.submitter;
  const question = (button && button.dataset && button.dataset.confirm) ||
    (event.target.dataset && event.target.dataset.confirm);
  if (question && !window.confirm(question)) {
    event.preventDefault();
  }
});
