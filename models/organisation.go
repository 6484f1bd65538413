package models

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// Organisation is the organisation's settings.
type Organisation struct {
	Name        string
	Timezone    string // an IANA zone name: "today" and the times pages show are in it
	SelfService SelfService
	WeekoffsMax int
	UpdatedAt   time.Time
}

// SelfService says whether employees' own changes apply at once or wait
// for an admin's approval.
type SelfService string

// The ways of self-service.
const (
	SelfServiceDirect   SelfService = "direct"
	SelfServiceApproval SelfService = "approval"
)

// Location is the organisation's zone. The zone was checked when it was
// saved; a zone the process's database lacks falls back to UTC.
func (o *Organisation) Location() *time.Location {
	if loc, err := time.LoadLocation(o.Timezone); err == nil {
		return loc
	}
	return time.UTC
}

// TableName names the table of Organisation.
func (Organisation) TableName() string { return "organisation" }

// OrganisationInput is a change to the settings; nil fields stay as they are.
type OrganisationInput struct {
	Name        *string
	Timezone    *string
	SelfService *string
	WeekoffsMax *int
}

// Organisation returns the settings. The first use creates them, with
// weekoffs_max from WEEKOFFS_MAX and the columns' defaults for the rest.
func (s *Store) Organisation(ctx context.Context) (*Organisation, error) {
	var o Organisation
	db := s.db.WithContext(ctx)
	err := db.Where("id = 1").Take(&o).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		// Instances starting at once may both get here: the second insert does nothing.
		err = db.Exec("INSERT INTO organisation (id, weekoffs_max) VALUES (1, ?) ON CONFLICT (id) DO NOTHING", s.weekoffsMax).Error
		if err == nil {
			err = db.Where("id = 1").Take(&o).Error
		}
	}
	if err != nil {
		return nil, fmt.Errorf("organisation: %w", err)
	}
	return &o, nil
}

// UpdateOrganisation validates and saves a change to the settings.
func (s *Store) UpdateOrganisation(ctx context.Context, in OrganisationInput) (*Organisation, error) {
	cols, errs := map[string]any{"updated_at": gorm.Expr("now()")}, FieldErrors(nil)
	if in.Name != nil {
		name, err := parseName("name", "Name", *in.Name, MaxNameLength)
		errs = append(errs, err...)
		cols["name"] = name
	}
	if in.Timezone != nil {
		zone := strings.TrimSpace(*in.Timezone)
		if _, err := time.LoadLocation(zone); err != nil || zone == "" || zone == "Local" || !IsText(zone) {
			errs = append(errs, invalid("timezone", "Input should be an IANA time zone such as 'Asia/Kolkata' or 'UTC'", "value_error")...)
		}
		cols["timezone"] = zone
	}
	if in.SelfService != nil {
		mode := SelfService(lowerTrim(*in.SelfService))
		if mode != SelfServiceDirect && mode != SelfServiceApproval {
			errs = append(errs, invalid("self_service", "Input should be 'direct' or 'approval'", "enum")...)
		}
		cols["self_service"] = mode
	}
	if in.WeekoffsMax != nil {
		errs = append(errs, checkRange("weekoffs_max", *in.WeekoffsMax, 0, 7)...)
		cols["weekoffs_max"] = *in.WeekoffsMax
	}
	if errs != nil {
		return nil, errs
	}
	if _, err := s.Organisation(ctx); err != nil {
		return nil, err
	}
	var o Organisation
	if err := s.db.WithContext(ctx).Model(&o).Clauses(clause.Returning{}).Where("id = 1").Updates(cols).Error; err != nil {
		return nil, fmt.Errorf("update organisation: %w", err)
	}
	return &o, nil
}
