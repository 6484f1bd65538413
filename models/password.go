package models

import (
	"fmt"
	"unicode/utf8"

	"golang.org/x/crypto/bcrypt"
)

// Password length bounds, in characters.
const (
	PasswordMinLength = 8
	PasswordMaxLength = 128
)

// validatePassword checks a new password's length. bcrypt reads only the
// first 72 bytes, which 128 characters may exceed; the bound is the
// contract's, and the first 72 bytes still carry the password's strength.
func validatePassword(field, pw string) FieldErrors {
	switch n := utf8.RuneCountInString(pw); {
	case n < PasswordMinLength:
		return invalid(field, fmt.Sprintf("Password should have at least %d characters", PasswordMinLength), "string_too_short")
	case n > PasswordMaxLength:
		return invalid(field, fmt.Sprintf("Password should have at most %d characters", PasswordMaxLength), "string_too_long")
	}
	return nil
}

// hashPassword hashes with bcrypt, the scheme of the Python service's
// passlib hashes ($2b$), which this package verifies unchanged.
func hashPassword(pw string, cost int) (string, error) {
	h, err := bcrypt.GenerateFromPassword(truncate72(pw), cost)
	if err != nil {
		return "", fmt.Errorf("hash password: %w", err)
	}
	return string(h), nil
}

func mustHash(pw string, cost int) []byte {
	h, err := bcrypt.GenerateFromPassword([]byte(pw), cost)
	if err != nil {
		panic(err)
	}
	return h
}

// passwordMatches reports whether pw is the password behind hash.
func passwordMatches(hash, pw string) bool {
	err := bcrypt.CompareHashAndPassword([]byte(hash), truncate72(pw))
	return err == nil
}

// truncate72 keeps the bytes bcrypt reads: x/crypto refuses longer input,
// while passlib's bcrypt ignores the rest, so hashes made by either match.
func truncate72(pw string) []byte {
	b := []byte(pw)
	if len(b) > 72 {
		b = b[:72]
	}
	return b
}
