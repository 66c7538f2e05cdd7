// koe's ECharts: only the chart types and components koe's reports use.
import * as echarts from 'echarts/core';
import { BarChart, LineChart, ScatterChart, GraphChart } from 'echarts/charts';
import { TitleComponent, TooltipComponent, GridComponent, LegendComponent, MarkPointComponent } from 'echarts/components';
import { LabelLayout } from 'echarts/features';
import { SVGRenderer } from 'echarts/renderers';

echarts.use([BarChart, LineChart, ScatterChart, GraphChart, TitleComponent, TooltipComponent, GridComponent, LegendComponent, MarkPointComponent, LabelLayout, SVGRenderer]);
// echarts-wordcloud and charts.js find the library as the global echarts.
window.echarts = echarts;
