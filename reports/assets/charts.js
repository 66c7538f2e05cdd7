/* koe reports: draws every chart container from its data-option attribute.
 * The option is JSON written by the Go side (html/template escapes it for
 * the attribute); it is parsed with JSON.parse, never evaluated. */
(function () {
  'use strict';
  var instances = [];
  var drawn = []; // {el, chart, json, fit}: refitted when the canvas changes shape

  /* How a chart is fitted to its canvas: 'wide' or 'tall', and '-narrow'
   * under 480 px (a phone). */
  function fitOf(el) {
    var w = el.clientWidth, h = el.clientHeight;
    return (w < h ? 'tall' : 'wide') + (w < 480 ? '-narrow' : '');
  }

  function each(v, f) {
    var list = Array.isArray(v) ? v : (v ? [v] : []);
    for (var i = 0; i < list.length; i++) {
      f(list[i]);
    }
  }

  /* The option for a canvas of this fit. A co-occurrence network comes laid
   * out wider than high, and ECharts stretches the layout to its box: on a
   * canvas higher than wide it is drawn turned a quarter (x and y swapped),
   * so that circles stay round. On a phone, every chart gets narrower
   * margins and category labels, smaller labels, and a stacked bar shows
   * the shares of its wide segments only (the table below has them all). */
  function fitOption(option, fit) {
    var tall = fit.indexOf('tall') === 0, narrow = fit.indexOf('-narrow') > 0;
    each(option.series, function (s) {
      if (s.type === 'graph' && s.layout === 'none') {
        if (tall) {
          each(s.data, function (d) {
            var x = d.x;
            d.x = d.y;
            d.y = x;
          });
        }
        if (narrow) {
          s.left = s.top = s.bottom = 22;
          s.right = 66;
          s.label = s.label || {};
          s.label.fontSize = 10;
        }
      }
      if (s.type === 'bar' && s.stack && narrow) {
        each(s.data, function (d) {
          if (d && d.label && typeof d.value === 'number' && d.value < 20) {
            d.label.show = false;
          }
        });
      }
    });
    if (narrow) {
      each(option.yAxis, function (ax) {
        if (ax.type === 'category' && ax.axisLabel && ax.axisLabel.width > 96) {
          ax.axisLabel.width = 96;
          ax.axisLabel.fontSize = 11;
        }
      });
    }
    return option;
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
      var d = { el: el, chart: chart, json: el.getAttribute('data-option'), fit: fitOf(el) };
      drawn.push(d);
      chart.setOption(fitOption(option, d.fit), true);
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
    for (var j = 0; j < drawn.length; j++) {
      var d = drawn[j], fit = fitOf(d.el);
      if (fit !== d.fit && !d.chart.isDisposed()) {
        d.fit = fit;
        d.chart.setOption(fitOption(JSON.parse(d.json), fit), true);
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
