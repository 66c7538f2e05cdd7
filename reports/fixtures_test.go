package reports

import (
	"math"
	"time"
)

var testTime = time.Date(2025, 3, 1, 5, 30, 0, 0, time.UTC) // 14:30 JST

// sampleReport is a report with every question type, in the shape the lead's
// aggregation fills.
func sampleReport() Report {
	answers := []string{
		"資料が見やすく、説明もわかりやすかったです。次回は子ども連れでも参加しやすい時間帯だと嬉しいです。",
		"駐車場が少なくて困りました。連絡はtaro.yamada@example.jpか090-1234-5678までお願いします。",
		"グループでの話し合いの時間がもっと欲しかった。",
		"オンライン参加の音声が聞き取りにくかったです。",
		"地域の防災について具体的に知ることができて良かった。",
		"開始時間が遅れたのが残念でした。",
		"高齢の方にも分かりやすい説明で、とても良かったと思います。会場までの案内表示をもう少し増やしてほしいです。",
		"子育て世代の参加者が増えるといいですね。",
	}
	return Report{
		Title:       "第3回 地域づくり懇談会 参加者アンケート",
		Slug:        "kondankai-3",
		Description: "懇談会の内容と運営についてのアンケートです。\n結果は次回の企画に活かします。",
		Event:       Event{Title: "第3回 地域づくり懇談会", SeriesTitle: "地域づくり懇談会 2025", Date: "2025年3月1日（土）", Attendees: 64},
		Responses:   48,
		GeneratedAt: testTime,
		Questions: []Question{
			{Key: "age", Label: "年代を教えてください", Type: "single", Answered: 47, Choices: &Choices{Options: []Count{
				{"10代", 2}, {"20代", 5}, {"30代", 9}, {"40代", 12}, {"50代", 8}, {"60代", 7}, {"70代以上", 4},
			}}},
			{Key: "how", Label: "この懇談会を何で知りましたか（あてはまるものすべて）", Type: "multi", Answered: 46, Choices: &Choices{Multi: true, Options: []Count{
				{"町内会の回覧板", 21}, {"市の広報誌", 15}, {"知人・友人からの紹介", 12}, {"SNS（LINE・Instagram など）", 9}, {"その他", 3},
			}, Other: []Count{{"公民館の掲示板", 1}, {"職場の同僚から（連絡先 03-1234-5678）", 2}, {"子どもの学校のおたより", 1}}}},
			{Key: "satisfaction", Label: "今回の懇談会の満足度を教えてください", Type: "scale", Answered: 48, Scale: &Scale{
				Min: 1, Max: 5, MinLabel: "とても不満", MaxLabel: "とても満足", Counts: []int{1, 3, 9, 20, 15}, Mean: 3.9, Top2Box: 35.0 / 48,
			}, CrossTabs: []CrossTab{{Attribute: "年代", Groups: []string{"30代以下", "40〜50代", "60代以上"},
				Columns: []string{"1", "2", "3", "4", "5"}, Counts: [][]int{{1, 1, 4, 6, 4}, {0, 1, 3, 9, 7}, {0, 1, 2, 5, 4}}}}},
			{Key: "nps", Label: "この懇談会を友人や知人にすすめたいと思いますか", Type: "nps", Answered: 45, NPS: &NPS{
				Counts: [11]int{0, 1, 0, 2, 1, 3, 4, 8, 9, 10, 7}, Promoters: 17, Passives: 17, Detractors: 11, Score: (17.0 - 11.0) / 45 * 100,
			}},
			{Key: "parts", Label: "各プログラムの満足度", Type: "matrix", Answered: 46, Matrix: &Matrix{
				Rows:    []string{"講演「これからの地域防災」", "グループでの話し合い", "全体での共有", "会場・設備"},
				Columns: []string{"不満", "やや不満", "どちらでもない", "やや満足", "満足"},
				Counts:  [][]int{{1, 2, 8, 18, 17}, {2, 5, 10, 15, 14}, {0, 3, 14, 17, 11}, {4, 9, 12, 12, 9}},
			}},
			{Key: "distance", Label: "会場までの移動時間（分）", Type: "number", Answered: 40, Number: &NumberSummary{N: 40, Mean: 18.4, Median: 15, Min: 3, Max: 60}},
			{Key: "comment", Label: "ご意見・ご感想をご自由にお書きください", Type: "textarea", Answered: len(answers), Text: &Text{
				Terms: []TermCount{
					{"説明", 9, 7}, {"時間", 8, 6}, {"参加", 7, 6}, {"子ども", 6, 5}, {"駐車場", 5, 5}, {"話し合い", 5, 4},
					{"防災", 4, 4}, {"音声", 4, 3}, {"案内", 3, 3}, {"高齢", 3, 3}, {"会場", 3, 3}, {"資料", 3, 2},
					{"オンライン", 3, 3}, {"地域", 3, 3}, {"子育て世代", 2, 2}, {"開始時間", 2, 2}, {"掲示", 2, 2}, {"グループ", 2, 2},
				},
				Network: Network{
					Nodes: []Node{{"説明", 7, 0}, {"資料", 2, 0}, {"高齢", 3, 0}, {"時間", 6, 1}, {"子ども", 5, 1}, {"参加", 6, 1},
						{"駐車場", 5, 2}, {"会場", 3, 2}, {"案内", 3, 2}, {"音声", 3, 3}, {"オンライン", 3, 3}, {"防災", 4, 0}},
					Edges: []Edge{{"説明", "資料", 0.4}, {"説明", "高齢", 0.5}, {"時間", "子ども", 0.45}, {"参加", "子ども", 0.5},
						{"時間", "参加", 0.3}, {"駐車場", "会場", 0.35}, {"会場", "案内", 0.6}, {"音声", "オンライン", 0.8}, {"説明", "防災", 0.25}},
				},
				Codes: []Code{
					{"会場・アクセス", 5, []string{answers[1], answers[6]}},
					{"時間帯・進行", 4, []string{answers[5], answers[0]}},
					{"内容への評価", 6, []string{answers[4], answers[6], answers[0]}},
					{"オンライン", 2, []string{answers[3]}},
				},
				Groups: []GroupWords{
					{"30代以下", []TermCount{{"子ども", 4, 3}, {"時間", 3, 3}, {"オンライン", 2, 2}}},
					{"40〜50代", []TermCount{{"駐車場", 3, 3}, {"話し合い", 3, 2}}},
					{"60代以上", []TermCount{{"説明", 4, 4}, {"高齢", 3, 3}, {"案内", 2, 2}}},
				},
				Answers: answers,
			}},
		},
	}
}

// hostileCounts are hostileStrings as その他 answers, each given twice.
func hostileCounts() []Count {
	out := make([]Count, len(hostileStrings))
	for i, s := range hostileStrings {
		out[i] = Count{Label: s, Count: 2}
	}
	return out
}

// hostileStrings are put into every text field.
var hostileStrings = []string{
	`</script><script>window.__pwned=1</script>`,
	`<img src=x onerror="window.__pwned=1">`,
	`__f__function(){window.__pwned=1}__f__`,
	`{{.}}`,
	`${alert(1)}`,
	`"><svg onload="window.__pwned=1">`,
	`</div></figure><script>window.__pwned=1</script>`,
	`javascript:window.__pwned=1`,
	`{b}{c}{a|x}`,
	"\u2028\u2029<!--",
}

// hostileReport fills every text field of a full report with hostile text;
// k shifts which string goes where, and every string appears.
func hostileReport() Report {
	i := 0
	h := func() string {
		s := hostileStrings[i%len(hostileStrings)]
		i++
		return s
	}
	hs := func(n int) []string {
		out := make([]string, n)
		for j := range out {
			out[j] = h()
		}
		return out
	}
	terms := func() []TermCount {
		var ts []TermCount
		for j, s := range hostileStrings {
			ts = append(ts, TermCount{Term: s, Count: 10 - j, Docs: 9 - j})
		}
		return ts
	}
	var nodes []Node
	var edges []Edge
	for j, s := range hostileStrings {
		nodes = append(nodes, Node{Term: s, Docs: 10 - j, Community: j % 3})
		if j > 0 {
			edges = append(edges, Edge{A: hostileStrings[j-1], B: s, Jaccard: 0.5})
		}
	}
	nodes = append(nodes, Node{Term: hostileStrings[0], Docs: 1, Community: 9}) // duplicate name
	edges = append(edges, Edge{A: "missing", B: hostileStrings[0], Jaccard: 0.3}, Edge{A: hostileStrings[1], B: hostileStrings[1], Jaccard: 1})
	r := Report{
		Title: h(), Slug: h(), Description: h(),
		Event:       Event{Title: h(), SeriesTitle: h(), Date: h(), Attendees: 10},
		Responses:   7,
		GeneratedAt: testTime,
		Lang:        `ja"><script>window.__pwned=1</script>`,
	}
	ct := []CrossTab{{Attribute: h(), Groups: hs(3), Columns: hs(3), Counts: [][]int{{1, 2, 3}, {3, 2, 1}, {0, 1, 0}}}}
	r.Questions = []Question{
		{Key: h(), Label: h(), Type: h(), Answered: 7, Choices: &Choices{Options: []Count{{h(), 3}, {h(), 4}, {h(), 0}}, Other: hostileCounts()}, CrossTabs: ct},
		{Key: h(), Label: h(), Type: "multi", Answered: 7, Choices: &Choices{Multi: true, Options: []Count{{h(), 3}, {h(), 4}}, Other: hostileCounts()}},
		{Key: h(), Label: h(), Type: "scale", Answered: 7, Scale: &Scale{Min: 1, Max: 5, MinLabel: h(), MaxLabel: h(), Counts: []int{1, 1, 1, 2, 2}, Mean: 3.4, Top2Box: 4.0 / 7}, CrossTabs: ct},
		{Key: h(), Label: h(), Type: "nps", Answered: 7, NPS: &NPS{Counts: [11]int{1, 0, 0, 0, 0, 0, 1, 1, 1, 2, 1}, Promoters: 3, Passives: 2, Detractors: 2, Score: 100.0 / 7}},
		{Key: h(), Label: h(), Type: "matrix", Answered: 7, Matrix: &Matrix{Rows: hs(3), Columns: hs(4), Counts: [][]int{{1, 2, 3, 1}, {0, 0, 4, 3}, {2, 2, 2, 1}}}},
		{Key: h(), Label: h(), Type: "number", Answered: 7, Number: &NumberSummary{N: 7, Mean: math.Pi, Median: 3, Min: 1, Max: 9}},
		{Key: h(), Label: h(), Type: "textarea", Answered: 7, Text: &Text{
			Terms:   terms(),
			Network: Network{Nodes: nodes, Edges: edges},
			Codes:   []Code{{Code: h(), Docs: 3, Quotes: hs(3)}, {Code: h(), Docs: 2, Quotes: hs(2)}},
			Groups:  []GroupWords{{Group: h(), Words: terms()[:3]}, {Group: h(), Words: terms()[3:6]}},
			Answers: hostileStrings,
		}},
		{Key: h(), Label: h(), Type: h()}, // nothing to chart
	}
	return r
}

func sampleSeries() Series {
	return Series{
		Key:         "kondankai-2025",
		Title:       "地域づくり懇談会 2025",
		GeneratedAt: testTime,
		Events: []SeriesEvent{
			{Slug: "k1", Title: "第1回 地域づくり懇談会", Date: "2025/01/11", Label: "2025/01/11", Responses: 30, Attendees: 52, Satisfaction: 3.5, HasSatisfaction: true, NPS: -4, HasNPS: true},
			{Slug: "k2", Title: "第2回 地域づくり懇談会", Date: "2025/02/08", Label: "2025/02/08", Responses: 41, Attendees: 0, Satisfaction: math.NaN(), HasSatisfaction: false, NPS: 5.2, HasNPS: true},
			{Slug: "k3", Title: "第3回 地域づくり懇談会", Date: "2025/03/01", Label: "2025/03/01", Responses: 48, Attendees: 64, Satisfaction: 3.9, HasSatisfaction: true, NPS: 13.3, HasNPS: true},
		},
		Issues: []Issue{
			{Term: "駐車場", Counts: []int{6, 5, 5}, Status: IssuePersisting},
			{Term: "音声", Counts: []int{0, 0, 4}, Status: IssueNew},
			{Term: "開始時間", Counts: []int{7, 3, 2}, Status: IssueFading},
			{Term: "資料の文字", Counts: []int{4, 1, 0}, Status: IssueFading},
			{Term: "託児", Counts: []int{2, 3, 3}, Status: IssuePersisting},
		},
	}
}

func hostileSeries() Series {
	s := sampleSeries()
	s.Key, s.Title = hostileStrings[0], hostileStrings[1]
	for i := range s.Events {
		s.Events[i].Title = hostileStrings[(i+2)%len(hostileStrings)]
		s.Events[i].Date = hostileStrings[(i+5)%len(hostileStrings)]
		s.Events[i].Label = s.Events[i].Date
		s.Events[i].Slug = hostileStrings[(i+3)%len(hostileStrings)]
	}
	for i := range s.Issues {
		s.Issues[i].Term = hostileStrings[i%len(hostileStrings)]
	}
	s.Issues = append(s.Issues, Issue{Term: hostileStrings[4], Counts: []int{1}, Status: hostileStrings[1]})
	return s
}
