// Enhances the respondent form; the form works without it and the server
// decides which answers count. Shows a question only when its show_if holds,
// stops a double tap from posting twice, and keeps a draft of what was typed
// in this tab (sessionStorage: gone when the tab closes, so nothing lingers on
// a shared computer) so a reload or a failed network does not lose it.
(function () {
  var done = document.querySelector('[data-clear-draft]');
  if (done) { // the thank-you page: the answers are stored, forget the draft
    try { sessionStorage.removeItem('koe-draft:' + done.getAttribute('data-clear-draft')); } catch (e) {}
    return;
  }
  var form = document.querySelector('form.survey');
  if (!form) return;
  // A form sent back with errors: take keyboard and screen-reader users to
  // the list of what to fix.
  var errors = document.getElementById('errors');
  if (errors) errors.focus();
  var key = 'koe-draft:' + form.getAttribute('action');
  function values(key) {
    var out = [];
    form.querySelectorAll('[name="q.' + key + '"]').forEach(function (el) {
      if ((el.type === 'radio' || el.type === 'checkbox') ? el.checked : el.value !== '') out.push(el.value);
    });
    return out;
  }
  function update() {
    form.querySelectorAll('[data-show-if]').forEach(function (q) {
      var cond = JSON.parse(q.getAttribute('data-show-if'));
      var have = values(cond.question);
      q.hidden = !cond.values.some(function (v) { return have.indexOf(v) >= 0; });
    });
  }
  function fields() {
    return Array.prototype.filter.call(form.elements, function (el) { return el.name && el.name.indexOf('q.') === 0; });
  }
  function save() {
    var draft = {};
    fields().forEach(function (el) {
      if ((el.type === 'radio' || el.type === 'checkbox') && !el.checked) return;
      if (el.value === '') return;
      (draft[el.name] = draft[el.name] || []).push(el.value);
    });
    try { sessionStorage.setItem(key, JSON.stringify(draft)); } catch (e) {}
  }
  function restore() {
    // A page the server filled (after an error) already holds the answers.
    if (document.getElementById('errors')) return;
    var draft;
    try { draft = JSON.parse(sessionStorage.getItem(key) || 'null'); } catch (e) { return; }
    if (!draft) return;
    fields().forEach(function (el) {
      var vs = draft[el.name];
      if (!vs) return;
      if (el.type === 'radio' || el.type === 'checkbox') el.checked = vs.indexOf(el.value) >= 0;
      else if (el.value === '') el.value = vs[0];
    });
  }
  restore();
  form.addEventListener('input', save);
  form.addEventListener('change', function () { save(); update(); });
  update();
  var button = form.querySelector('button[type=submit]');
  var label = button.textContent;
  form.addEventListener('submit', function () {
    setTimeout(function () { button.disabled = true; button.textContent = '送信しています…'; }, 0);
  });
  // Back from a failed post: the browser may restore the disabled button.
  window.addEventListener('pageshow', function () { button.disabled = false; button.textContent = label; });
})();
