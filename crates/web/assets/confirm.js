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

// Checks chosen files against the limits a file field states
// (data-max-mb="10" data-max-files="5") before the form is sent: a body over
// the server's limit is refused before it is read, and what was typed beside
// it would be lost. The reason shows under the field; nothing is sent.
document.addEventListener('submit', (event) => {
  if (event.defaultPrevented) return;
  for (const input of event.target.querySelectorAll('input[type=file][data-max-mb]')) {
    const maxBytes = Number(input.dataset.maxMb) * 1024 * 1024;
    const maxFiles = Number(input.dataset.maxFiles || 0);
    const files = Array.from(input.files || []);
    const big = files.find((f) => f.size > maxBytes);
    let reason = '';
    if (big) {
      reason = `文件“${big.name}”超过${input.dataset.maxMb}MB，未提交；请压缩或另选文件，已填写的内容仍在。`;
    } else if (maxFiles && files.length > maxFiles) {
      reason = `一次最多选择${maxFiles}个文件（已选${files.length}个），未提交；已填写的内容仍在。`;
    }
    if (reason) {
      event.preventDefault();
      const shown = input.parentElement.querySelector('.field-error');
      if (shown) shown.textContent = reason; else window.alert(reason);
      input.focus();
      return;
    }
  }
});
