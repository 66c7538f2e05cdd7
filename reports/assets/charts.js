/* koe reports: draws every chart container from its data-option attribute.
 * The option is JSON written by the Go side (html/template escapes it for
 * the attribute); it is parsed with JSON.parse, never evaluated. */
(function () {
  'use strict';
  var instances = [];
  var graphs = []; // {el, chart, json, fit}: networks placed by koe, refitted on resize

  /* A co-occurrence network comes laid out wider than high, and ECharts
   * stretches the layout to its box. On a canvas higher than wide (a phone)
   * it is drawn turned a quarter (x and y swapped), so that circles stay
   * round, with narrower margins and smaller labels. */
  function graphFit(el) {
    var w = el.clientWidth, h = el.clientHeight;
    return (w < h ? 'tall' : 'wide') + (w < 520 ? '-narrow' : '');
  }

  function fitGraph(option, fit) {
    var series = option.series || [];
    for (var i = 0; i < series.length; i++) {
      var s = series[i];
      if (s.type !== 'graph' || s.layout !== 'none') {
        continue;
      }
      if (fit.indexOf('tall') === 0) {
        for (var j = 0; j < (s.data || []).length; j++) {
          var d = s.data[j], x = d.x;
          d.x = d.y;
          d.y = x;
        }
      }
      if (fit.indexOf('narrow') > 0) {
        s.left = s.top = s.bottom = 22;
        s.right = 66;
        s.label = s.label || {};
        s.label.fontSize = 10;
      }
    }
    return option;
  }

  function isGraph(option) {
    var series = option.series || [];
    for (var i = 0; i < series.length; i++) {
      if (series[i].type === 'graph' && series[i].layout === 'none') {
        return true;
      }
    }
    return false;
  }

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
      if (isGraph(option)) {
        var g = { el: el, chart: chart, json: el.getAttribute('data-option'), fit: graphFit(el) };
        graphs.push(g);
        option = fitGraph(option, g.fit);
      }
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
    for (var j = 0; j < graphs.length; j++) {
      var g = graphs[j], fit = graphFit(g.el);
      if (fit !== g.fit && !g.chart.isDisposed()) {
        g.fit = fit;
        g.chart.setOption(fitGraph(JSON.parse(g.json), fit), true);
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
