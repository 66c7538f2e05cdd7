// Package reports turns an already aggregated view model into one
// self-contained, offline, printable HTML report (WriteReport) or a series
// report comparing the events of a series (WriteSeries).
//
// The package holds no SQL and no HTTP handlers: the caller (the CLI, the
// download handler, a dashboard) fills a Report or Series and passes an
// io.Writer.
//
// Charts are built with go-echarts, but go-echarts' own Render is never used:
// it writes option JSON into a <script> unescaped and turns "__f__" markers
// into live JavaScript. Here every chart's option is marshalled to JSON by
// encoding/json (which escapes <, > and &) and written by html/template into
// a data-option attribute of its container; a small embedded script
// (assets/charts.js) parses it with JSON.parse and hands it to
// echarts.setOption. No option uses a JavaScript function, and tooltips are
// drawn as rich text, not HTML, so every label, answer and quote stays text.
package reports
