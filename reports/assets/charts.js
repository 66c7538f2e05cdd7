/* koe reports: draws every chart container from its data-option attribute.
 * The option is JSON written by the Go side (html/template escapes it for
 * the attribute); it is parsed with JSON.parse, never evaluated. */
(function () {
  'use strict';
  var instances = [];

  function fail(el, err) {
    el.setAttribute('data-drawn', 'error');
    el.textContent = 'グラフを表示できませんでした（下の表をご覧ください）';
    console.error('koe: chart ' + el.id + ' could not be drawn: ' + err);
  }

  function draw(el) {
    if (el.getAttribute('data-drawn')) {
      return;
    }
    var option;
    try {
      option = JSON.parse(el.getAttribute('data-option'));
    } catch (err) {
      fail(el, err);
      return;
    }
    try {
      var renderer = el.getAttribute('data-renderer') === 'canvas' ? 'canvas' : 'svg';
      var chart = echarts.getInstanceByDom(el) || echarts.init(el, null, { renderer: renderer });
      chart.setOption(option, true);
      instances.push(chart);
      el.setAttribute('data-drawn', 'true');
    } catch (err) {
      fail(el, err);
    }
  }

  function drawAll(root) {
    var els = (root || document).querySelectorAll('.chart[data-option]');
    for (var i = 0; i < els.length; i++) {
      draw(els[i]);
    }
  }

  function resizeAll() {
    for (var i = 0; i < instances.length; i++) {
      if (!instances[i].isDisposed()) {
        instances[i].resize();
      }
    }
  }

  window.addEventListener('resize', resizeAll);
  window.addEventListener('beforeprint', resizeAll);
  window.addEventListener('afterprint', resizeAll);
  if (window.matchMedia) {
    var mq = window.matchMedia('print');
    if (mq.addEventListener) {
      mq.addEventListener('change', resizeAll);
    } else if (mq.addListener) {
      mq.addListener(resizeAll);
    }
  }
  window.koeCharts = { drawAll: drawAll, resizeAll: resizeAll };
  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', function () { drawAll(); });
  } else {
    drawAll();
  }
})();
