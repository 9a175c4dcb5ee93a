// Keeps what is typed in a form marked data-draft="…" in this tab's
// sessionStorage, so a form sent after the session ended (idle timeout, a
// sign-in elsewhere) comes back filled when the person signs in again and
// returns to it. A draft is dropped once the page after sending shows the
// success message (#flash), or when the person chooses 放弃草稿.
(() => {
  const SENT = 'draft-sent';
  const fieldsOf = (form) => Array.from(form.elements).filter(
    (e) => e.name && !['hidden', 'file', 'submit', 'button', 'password', 'checkbox', 'radio'].includes(e.type));
  const flash = document.getElementById('flash');
  const sent = sessionStorage.getItem(SENT);
  if (sent && flash) {
    sessionStorage.removeItem(sent);
    sessionStorage.removeItem(SENT);
  }
  for (const form of document.querySelectorAll('form[data-draft]')) {
    const key = 'draft:' + form.dataset.draft;
    const saved = JSON.parse(sessionStorage.getItem(key) || 'null');
    if (saved) {
      let changed = false;
      for (const field of fieldsOf(form)) {
        if (field.name in saved.values && field.value !== saved.values[field.name]) {
          field.value = saved.values[field.name];
          changed = true;
        }
      }
      if (changed) {
        const note = document.createElement('div');
        note.className = 'alert alert-warning py-2';
        note.id = 'draft-restored';
        note.textContent = `已恢复本页未提交的草稿（${saved.at}），请核对后提交。`;
        const drop = document.createElement('button');
        drop.type = 'button';
        drop.className = 'btn btn-link btn-sm';
        drop.textContent = '放弃草稿';
        drop.addEventListener('click', () => { sessionStorage.removeItem(key); location.reload(); });
        note.appendChild(drop);
        form.prepend(note);
      }
    }
    const keep = () => {
      const values = {};
      for (const field of fieldsOf(form)) values[field.name] = field.value;
      const at = new Date().toLocaleTimeString('zh-CN', { hour: '2-digit', minute: '2-digit' });
      sessionStorage.setItem(key, JSON.stringify({ at, values }));
    };
    form.addEventListener('input', keep);
    form.addEventListener('submit', () => { keep(); sessionStorage.setItem(SENT, key); });
  }
})();
