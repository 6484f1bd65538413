package models

import (
	"context"
	"errors"
	"fmt"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// Errors of teams, beside the sentinels every model uses.
var (
	// ErrTeamNotFound is ErrNotFound for a team.
	ErrTeamNotFound = fmt.Errorf("team: %w", ErrNotFound)
	// ErrTeamExists means another team has the name, in some letter case.
	ErrTeamExists = errors.New("a team with this name exists")
	// ErrTeamNotEmpty means the team still has members.
	ErrTeamNotEmpty = errors.New("the team has members")
)

// MaxTeamNameLength bounds team names, in characters.
const MaxTeamNameLength = 100

// Team is a group of people with a common default schedule and a minimum
// number who must be working on any day.
type Team struct {
	ID        int64
	Name      string
	MinOnDuty int
	CreatedAt time.Time
	UpdatedAt time.Time
	// Members counts the team's users, read with the team.
	Members int64 `gorm:"->"`
}

// TeamInput is a team as an admin sends it; nil fields are not given.
type TeamInput struct {
	Name      *string
	MinOnDuty *int
}

// teamColumns validates a team's input and returns the columns to write.
func teamColumns(in TeamInput) (map[string]any, error) {
	var errs FieldErrors
	cols := map[string]any{}
	if in.Name != nil {
		name, err := parseName("name", "Name", *in.Name, MaxTeamNameLength)
		errs = append(errs, err...)
		cols["name"] = name
	}
	if in.MinOnDuty != nil {
		errs = append(errs, checkRange("min_on_duty", *in.MinOnDuty, 0, 100000)...)
		cols["min_on_duty"] = *in.MinOnDuty
	}
	if errs != nil {
		return nil, errs
	}
	return cols, nil
}

// teamsWithMembers selects teams with their member counts.
func (s *Store) teamsWithMembers(ctx context.Context) *gorm.DB {
	return s.db.WithContext(ctx).Model(&Team{}).
		Select("teams.*, (SELECT count(*) FROM users WHERE users.team_id = teams.id) AS members")
}

// Teams lists every team by name.
func (s *Store) Teams(ctx context.Context) ([]Team, error) {
	var teams []Team
	if err := s.teamsWithMembers(ctx).Order("lower(name), id").Find(&teams).Error; err != nil {
		return nil, fmt.Errorf("teams: %w", err)
	}
	return teams, nil
}

// TeamByID finds a team.
func (s *Store) TeamByID(ctx context.Context, id int64) (*Team, error) {
	var t Team
	err := s.teamsWithMembers(ctx).Where("teams.id = ?", id).Take(&t).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, ErrTeamNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("team: %w", err)
	}
	return &t, nil
}

// CreateTeam validates and stores a team; the name is required.
func (s *Store) CreateTeam(ctx context.Context, in TeamInput) (*Team, error) {
	if in.Name == nil {
		return nil, FieldErrors{{Loc: []any{"name"}, Msg: "Field required", Type: "missing"}}
	}
	cols, err := teamColumns(in)
	if err != nil {
		return nil, err
	}
	t := Team{Name: cols["name"].(string)}
	if in.MinOnDuty != nil {
		t.MinOnDuty = *in.MinOnDuty
	}
	if err := s.db.WithContext(ctx).Create(&t).Error; err != nil {
		return nil, teamWriteError(err)
	}
	return &t, nil
}

// UpdateTeam renames a team or changes its minimum on duty.
func (s *Store) UpdateTeam(ctx context.Context, id int64, in TeamInput) (*Team, error) {
	cols, err := teamColumns(in)
	if err != nil {
		return nil, err
	}
	if len(cols) > 0 {
		cols["updated_at"] = gorm.Expr("now()")
		res := s.db.WithContext(ctx).Model(&Team{}).Where("id = ?", id).Updates(cols)
		if res.Error != nil {
			return nil, teamWriteError(res.Error)
		}
		if res.RowsAffected == 0 {
			return nil, ErrTeamNotFound
		}
	}
	return s.TeamByID(ctx, id)
}

// DeleteTeam deletes a team that has no members.
func (s *Store) DeleteTeam(ctx context.Context, id int64) error {
	res := s.db.WithContext(ctx).Clauses(clause.Returning{}).Where("id = ?", id).Delete(&Team{})
	switch {
	case isForeignKeyViolation(res.Error):
		return ErrTeamNotEmpty
	case res.Error != nil:
		return fmt.Errorf("delete team: %w", res.Error)
	case res.RowsAffected == 0:
		return ErrTeamNotFound
	}
	return nil
}

func teamWriteError(err error) error {
	if isUniqueViolation(err) {
		return ErrTeamExists
	}
	return fmt.Errorf("write team: %w", err)
}
