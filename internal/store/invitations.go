package store

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/base32"
	"errors"
	"strings"

	"github.com/uptrace/bun"

	"github.com/koe-project/koe/survey"
)

// newInvitationCode is 20 random base32 characters (100 bits): unguessable,
// and easy to read aloud or type from paper.
func newInvitationCode() string {
	b := make([]byte, 13)
	rand.Read(b)
	return strings.ToLower(base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(b))[:20]
}

// invitationBatch bounds the rows of one INSERT (bun spells out the values;
// invitation lists are hundreds of rows, not tens of thousands).
const invitationBatch = 1000

// AddInvitations creates one code per invitee.
func (st *Store) AddInvitations(ctx context.Context, s *survey.Survey, invitees []survey.Invitee) (_ []*survey.Invitation, err error) {
	defer wrapErr("store.AddInvitations", &err)
	now := st.now().UTC()
	out := make([]*survey.Invitation, 0, len(invitees))
	for _, iv := range invitees {
		out = append(out, &survey.Invitation{SurveyID: s.ID, Code: newInvitationCode(), Name: iv.Name, Email: iv.Email, CreatedAt: now})
	}
	if len(out) == 0 {
		return out, nil
	}
	err = st.db.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		for i := 0; i < len(out); i += invitationBatch {
			chunk := out[i:min(i+invitationBatch, len(out))]
			if _, err := tx.NewInsert().Comment("store.Store.AddInvitations").Model(&chunk).Returning("id").Exec(ctx); err != nil {
				return err
			}
		}
		return nil
	})
	return out, err
}

// Invitations lists a survey's invitations in the order they were made.
func (st *Store) Invitations(ctx context.Context, s *survey.Survey) (_ []*survey.Invitation, err error) {
	defer wrapErr("store.Invitations", &err)
	var list []*survey.Invitation
	err = st.db.NewSelect().Comment("store.Store.Invitations").Model(&list).Where("survey_id = ?", s.ID).Order("id").Scan(ctx)
	return list, err
}

// NeedsInvitation reports whether a survey takes answers only through invitation links
// (it does once any invitation was made for it).
func (st *Store) NeedsInvitation(ctx context.Context, s *survey.Survey) (_ bool, err error) {
	defer wrapErr("store.NeedsInvitation", &err)
	return exists(ctx, st.db, "store.Store.NeedsInvitation", st.db.NewSelect().Model((*survey.Invitation)(nil)).Where("survey_id = ?", s.ID))
}

// InvitationByCode finds an invitation by its code.
func (st *Store) InvitationByCode(ctx context.Context, code string) (_ *survey.Invitation, err error) {
	defer wrapErr("store.InvitationByCode", &err)
	iv := new(survey.Invitation)
	err = st.db.NewSelect().Comment("store.Store.InvitationByCode").Model(iv).Where("code = ?", code).Limit(1).Scan(ctx)
	if err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return nil, survey.ErrInvitationUnknown
		}
		return nil, err
	}
	return iv, nil
}

// CheckInvitation says whether code may answer survey s now.
func (st *Store) CheckInvitation(ctx context.Context, s *survey.Survey, code string) error {
	need, err := st.NeedsInvitation(ctx, s)
	if err != nil || !need {
		return err
	}
	if code == "" {
		return survey.ErrInvitationRequired
	}
	iv, err := st.InvitationByCode(ctx, code)
	switch {
	case err != nil:
		return err
	case iv.SurveyID != s.ID:
		return survey.ErrInvitationUnknown
	case iv.RevokedAt != nil:
		return survey.ErrInvitationRevoked
	case iv.Answered:
		return survey.ErrInvitationUsed
	}
	return nil
}

// claimInvitation marks a code answered inside the transaction that stores
// the response; a code that is used, revoked or unknown refuses the response.
// A survey without invitations takes anyone's answers: a code in its link
// claims nothing and refuses nothing (nor tells whether such a code exists).
func claimInvitation(ctx context.Context, tx bun.Tx, s *survey.Survey, code, responseID string) error {
	q := tx.NewUpdate().Comment("store.claimInvitation").Model((*survey.Invitation)(nil)).Set("answered = ?", true).
		Where("survey_id = ? AND code = ? AND answered = ? AND revoked_at IS NULL", s.ID, code, false)
	if !s.Anonymous {
		q = q.Set("response_id = ?", responseID)
	}
	res, err := q.Exec(ctx)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		invited, err := exists(ctx, tx, "store.claimInvitation", tx.NewSelect().Model((*survey.Invitation)(nil)).Where("survey_id = ?", s.ID))
		if err != nil || !invited {
			return err
		}
		return survey.ErrInvitationUsed
	}
	return nil
}

// RevokeInvitation makes an invitation's link refuse answers.
func (st *Store) RevokeInvitation(ctx context.Context, s *survey.Survey, id int64) (_ *survey.Invitation, err error) {
	defer wrapErr("store.RevokeInvitation", &err)
	iv := new(survey.Invitation)
	if err := st.db.NewSelect().Comment("store.Store.RevokeInvitation").Model(iv).Where("id = ? AND survey_id = ?", id, s.ID).Scan(ctx); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return nil, survey.ErrNotFound
		}
		return nil, err
	}
	if iv.RevokedAt == nil {
		now := st.now().UTC()
		iv.RevokedAt = &now
		if _, err := st.db.NewUpdate().Comment("store.Store.RevokeInvitation").Model(iv).Column("revoked_at").WherePK().Exec(ctx); err != nil {
			return nil, err
		}
	}
	return iv, nil
}

// ReissueInvitation revokes an invitation and gives its invitee a new code.
func (st *Store) ReissueInvitation(ctx context.Context, s *survey.Survey, id int64) (*survey.Invitation, error) {
	old, err := st.RevokeInvitation(ctx, s, id)
	if err != nil {
		return nil, err
	}
	list, err := st.AddInvitations(ctx, s, []survey.Invitee{{Name: old.Name, Email: old.Email}})
	if err != nil {
		return nil, err
	}
	return list[0], nil
}

// ReplayOf returns the response already stored under a submission key, so a
// retried submission of an invitee who has just answered is answered as a
// replay rather than refused as a used code.
func (st *Store) ReplayOf(ctx context.Context, s *survey.Survey, key string) (string, bool) {
	if key == "" {
		return "", false
	}
	var id string
	err := st.db.NewSelect().Comment("store.Store.ReplayOf").Model((*survey.Response)(nil)).Column("id").
		Where("survey_id = ? AND submission_key = ?", s.ID, key).Limit(1).Scan(ctx, &id)
	return id, err == nil
}

// SlugOfInvitation returns the slug of the survey an invitation is for.
func (st *Store) SlugOfInvitation(ctx context.Context, iv *survey.Invitation) (_ string, err error) {
	defer wrapErr("store.SlugOfInvitation", &err)
	var slug string
	if err := st.db.NewSelect().Comment("store.Store.SlugOfInvitation").Table("surveys").Column("slug").Where("id = ?", iv.SurveyID).Scan(ctx, &slug); err != nil {
		return "", err
	}
	return slug, nil
}
