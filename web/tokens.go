package web

import (
	"errors"
	"fmt"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// tokens mints and checks the API's bearer JWTs: HS256 over SECRET_KEY with
// the user's email as sub, the shape the Python service used, so its
// unexpired tokens stay valid.
type tokens struct {
	key []byte
	ttl time.Duration
}

// issue signs a token for email, valid for the configured time from now.
func (t tokens) issue(email string, now time.Time) (string, error) {
	claims := jwt.RegisteredClaims{Subject: email, ExpiresAt: jwt.NewNumericDate(now.Add(t.ttl))}
	signed, err := jwt.NewWithClaims(jwt.SigningMethodHS256, claims).SignedString(t.key)
	if err != nil {
		return "", fmt.Errorf("sign token: %w", err)
	}
	return signed, nil
}

// subject checks a token's signature, algorithm and expiry and returns its sub.
func (t tokens) subject(raw string) (string, error) {
	var claims jwt.RegisteredClaims
	_, err := jwt.ParseWithClaims(raw, &claims, func(*jwt.Token) (any, error) { return t.key, nil },
		// Pinning the method refuses "none" and every algorithm-confusion trick.
		jwt.WithValidMethods([]string{jwt.SigningMethodHS256.Alg()}),
		jwt.WithExpirationRequired(),
		jwt.WithLeeway(5*time.Second),
	)
	if err != nil {
		return "", err
	}
	if claims.Subject == "" {
		return "", errors.New("token has no sub")
	}
	return claims.Subject, nil
}
