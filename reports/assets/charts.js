/* koe reports: draws every chart container from its data-option attribute.
 * The option is JSON written by the Go side (html/template escapes it for
 * the attribute); it is parsed with JSON.parse, never evaluated.
 *
 * A downloaded report inlines ECharts before this script and draws every
 * chart at once (it must print whole). A dashboard loads this script alone,
 * its URL ending in #libs=URL,URL (the chart libraries, same origin): the
 * libraries are fetched only when the first chart nears the viewport, and
 * each chart is drawn as it scrolls near, one per task, so the page shows
 * and answers before a megabyte of script and a hundred charts are done. */
(function () {
  'use strict';
  var instances = [];
  var me = document.currentScript;
  var libs = [];
  var m = me && /#libs=([^#]*)$/.exec(me.src);
  if (m) {
    libs = m[1].split(',').filter(function (u) { return /^\/[^\/]/.test(u); }); // same origin only
  }
  var lazy = !window.echarts && libs.length > 0;
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
    if (!window.echarts) {
      fail(el, 'ECharts is not loaded');
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
      if (window.CustomEvent) { // dashboard.js binds its clicks to the chart
        el.dispatchEvent(new CustomEvent('koe:drawn', { bubbles: true }));
      }
    } catch (err) {
      fail(el, err);
    }
  }

  /* The libraries, loaded once and in order; then() runs when they are. */
  var ready = !lazy, waiting = [], requested = false;
  function withLibs(then) {
    if (ready) {
      then();
      return;
    }
    waiting.push(then);
    if (requested) {
      return;
    }
    requested = true;
    var left = libs.length;
    libs.forEach(function (src) {
      var s = document.createElement('script');
      s.src = src;
      s.async = false; // run in the order given: the word cloud extends ECharts
      s.onload = function () {
        if (--left === 0) {
          ready = true;
          var w = waiting;
          waiting = [];
          w.forEach(function (f) { f(); });
        }
      };
      s.onerror = function () {
        var els = document.querySelectorAll('.chart[data-option]:not([data-drawn])');
        for (var i = 0; i < els.length; i++) {
          fail(els[i], 'could not load ' + src);
        }
      };
      document.head.appendChild(s);
    });
  }

  /* Charts near the viewport are drawn one per task, so that no single
   * task blocks the page for long. */
  var queue = [], draining = false;
  function enqueue(el) {
    queue.push(el);
    if (draining) {
      return;
    }
    draining = true;
    withLibs(function step() {
      var el = queue.shift();
      if (el) {
        draw(el);
      }
      if (queue.length) {
        setTimeout(step, 0);
      } else {
        draining = false;
      }
    });
  }

  var observer = lazy && window.IntersectionObserver ? new IntersectionObserver(function (entries) {
    entries.forEach(function (e) {
      if (e.isIntersecting) {
        observer.unobserve(e.target);
        enqueue(e.target);
      }
    });
  }, { rootMargin: '300px 0px' }) : null;

  /* observe draws the charts under root as they near the viewport (at once
   * where the page is not lazy), e.g. a cross-tab fetched into a dashboard. */
  function observe(root) {
    var els = (root || document).querySelectorAll('.chart[data-option]:not([data-drawn])');
    for (var i = 0; i < els.length; i++) {
      if (observer) {
        observer.observe(els[i]);
      } else if (lazy) {
        enqueue(els[i]);
      } else {
        draw(els[i]);
      }
    }
  }

  /* drawAll draws every chart under root now, or as soon as the libraries
   * are loaded; then() runs when they are drawn. */
  function drawAll(root, then) {
    withLibs(function () {
      var els = (root || document).querySelectorAll('.chart[data-option]');
      for (var i = 0; i < els.length; i++) {
        if (observer) {
          observer.unobserve(els[i]);
        }
        draw(els[i]);
      }
      if (then) {
        then();
      }
    });
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

  /* Paper gets every chart: those not drawn yet are drawn before printing
   * (at once if the libraries are loaded: printing does not wait). */
  function beforePrint() {
    if (ready) {
      drawAll();
    }
    resizeAll();
  }

  window.addEventListener('resize', resizeAll);
  window.addEventListener('beforeprint', beforePrint);
  window.addEventListener('afterprint', resizeAll);
  if (window.matchMedia) {
    var mq = window.matchMedia('print');
    if (mq.addEventListener) {
      mq.addEventListener('change', beforePrint);
    } else if (mq.addListener) {
      mq.addListener(beforePrint);
    }
  }
  window.koeCharts = { drawAll: drawAll, observe: observe, resizeAll: resizeAll };
  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', function () { observe(); });
  } else {
    observe();
  }
})();
