// Asks before a form that destroys something is sent: a form with
// data-confirm="…" is submitted only when the person agrees to its question.
document.addEventListener('submit', (event) => {
  const question = event.target.dataset && event.target.dataset.confirm;
  if (question && !window.confirm(question)) {
    event.preventDefault();
  }
});
