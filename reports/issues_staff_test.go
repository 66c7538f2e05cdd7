package reports

import (
	"slices"
	"testing"

	"github.com/koe-project/koe/analysis"
	"github.com/koe-project/koe/internal/store"
)

// Staff choices over a computed grouping: a name replaces the label on the
// card and the map, a merge shows two groups as one (answers once, sizes
// and the map following), a chain of merges ends at its last group, a cycle
// and a merge into a group no longer there are left out, and the computed
// grouping is not changed.
func TestStaffChoicesNameMergeAndHide(t *testing.T) {
	grouped := &analysis.Issues{Analysed: 10, Unassigned: []int64{10},
		Groups: []analysis.IssueGroup{
			{ID: "a", Label: "駐車場", Answers: []int64{1, 2, 3, 4}, Size: 4, Share: 0.4},
			{ID: "b", Label: "バス", Answers: []int64{4, 5, 6}, Size: 3, Share: 0.3},
			{ID: "c", Label: "案内", Answers: []int64{7, 8}, Size: 2, Share: 0.2},
			{ID: "d", Label: "トイレ", Answers: []int64{9}, Size: 1, Share: 0.1},
		},
		Map: analysis.IssueMap{
			Points: []analysis.IssueMapPoint{{Answer: 1, Group: 0}, {Answer: 5, Group: 1}, {Answer: 7, Group: 2}, {Answer: 9, Group: 3}, {Answer: 10, Group: -1}},
			Labels: []analysis.IssueMapLabel{{Group: 0, ID: "a", Label: "駐車場"}, {Group: 1, ID: "b", Label: "バス"}, {Group: 2, ID: "c", Label: "案内"}, {Group: 3, ID: "d", Label: "トイレ"}},
		}}
	states := []store.IssueGroupState{
		{IssueRef: analysis.IssueRef{ID: "a"}, StaffLabel: "移動の不便"},
		{IssueRef: analysis.IssueRef{ID: "b"}, MergedInto: "c"}, // b -> c -> a: both shown in a
		{IssueRef: analysis.IssueRef{ID: "c"}, MergedInto: "a"},
		{IssueRef: analysis.IssueRef{ID: "d"}, MergedInto: "gone", Hidden: true},
	}
	set := withStaffChoices(IssueSet{Grouped: grouped}, states)
	is := set.Issues
	if len(is.Groups) != 2 || is.Groups[0].ID != "a" || is.Groups[0].Label != "移動の不便" || is.Groups[1].ID != "d" {
		t.Fatalf("groups shown: %+v", is.Groups)
	}
	if a := is.Groups[0]; !slices.Equal(a.Answers, []int64{1, 2, 3, 4, 5, 6, 7, 8}) || a.Size != 8 || a.Share != 0.8 {
		t.Errorf("merged group: %+v", a)
	}
	if got := []int{is.Map.Points[0].Group, is.Map.Points[1].Group, is.Map.Points[2].Group, is.Map.Points[3].Group, is.Map.Points[4].Group}; !slices.Equal(got, []int{0, 0, 0, 1, -1}) {
		t.Errorf("map points' groups: %v", got)
	}
	if len(is.Map.Labels) != 2 || is.Map.Labels[0].Label != "移動の不便" || is.Map.Labels[1].Group != 1 {
		t.Errorf("map labels: %+v", is.Map.Labels)
	}
	if len(set.Merged["a"]) != 2 || !set.Hidden["d"] {
		t.Errorf("merged %+v, hidden %v", set.Merged, set.Hidden)
	}
	if len(grouped.Groups) != 4 || grouped.Groups[0].Label != "駐車場" || grouped.Map.Points[1].Group != 1 {
		t.Errorf("the computed grouping changed: %+v", grouped)
	}

	// A cycle is no merge; names alone keep the order.
	states = []store.IssueGroupState{{IssueRef: analysis.IssueRef{ID: "a"}, MergedInto: "b"}, {IssueRef: analysis.IssueRef{ID: "b"}, MergedInto: "a"}}
	if set := withStaffChoices(IssueSet{Grouped: grouped}, states); set.Issues != grouped || set.Merged != nil {
		t.Errorf("a cycle of merges was applied: %+v", set.Issues.Groups)
	}
}
