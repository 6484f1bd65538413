package models

import (
	"context"
	"fmt"
)

// TeamNames lists every team by name with its id and name only: what a
// choice of team (a filter, a form's select) needs. Teams also counts each
// team's members, which costs a pass over them: over 100,000 users in ten
// teams, Teams took 24 ms and TeamNames 0.35 ms, and the users page 16 ms
// with the one and 6 ms with the other (BenchmarkTeamsOnUsersPage, shared
// 2-core machine, load 11.6).
func (s *Store) TeamNames(ctx context.Context) ([]Team, error) {
	var teams []Team
	if err := s.db.WithContext(ctx).Model(&Team{}).Select("id, name").Order("lower(name), id").Find(&teams).Error; err != nil {
		return nil, fmt.Errorf("team names: %w", err)
	}
	return teams, nil
}
