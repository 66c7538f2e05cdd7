// Enhances the respondent form; the form works without it and the server
// decides which answers count. Shows a question only when its show_if holds,
// and stops a double tap from posting twice.
(function () {
  var form = document.querySelector('form.survey');
  if (!form) return;
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
  form.addEventListener('change', update);
  update();
  form.addEventListener('submit', function () {
    var b = form.querySelector('button[type=submit]');
    setTimeout(function () { b.disabled = true; b.textContent = '送信しています…'; }, 0);
  });
})();
