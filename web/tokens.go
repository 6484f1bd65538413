package web

import (
	"errors"
	"fmt"
	"time"

	"github.com/golang-jwt/jwt/v5"
	lru "github.com/hashicorp/golang-lru/v2"
)

// tokens mints and checks the API's bearer JWTs: HS256 over SECRET_KEY with
// the user's email as sub, the shape the Python service used, so its
// unexpired tokens stay valid.
type tokens struct {
	key []byte
	ttl time.Duration
	// verified remembers tokens whose signature and claims were checked, by
	// their whole text: a client sends the same token with every request,
	// and parsing it (base64, JSON, HMAC) was a quarter of GET /me's CPU.
	// Only tokens that passed are kept, so forged ones cannot fill it.
	verified *lru.Cache[string, verifiedToken]
}

// verifiedToken is what a checked token said: whose it is, and until when
// (its exp plus the leeway) it holds.
type verifiedToken struct {
	subject string
	until   time.Time
}

// tokenLeeway is the clock skew allowed on a token's exp.
const tokenLeeway = 5 * time.Second

// verifiedTokensKept bounds the memory of verified tokens (a few hundred
// bytes each); past it the least recently used is checked again.
const verifiedTokensKept = 10_000

func newTokens(key []byte, ttl time.Duration) (tokens, error) {
	verified, err := lru.New[string, verifiedToken](verifiedTokensKept)
	if err != nil {
		return tokens{}, err
	}
	return tokens{key: key, ttl: ttl, verified: verified}, nil
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

// subject checks a token's signature, algorithm and expiry and returns its
// sub. A token checked before answers from memory until it expires: what
// made it good (the signature, the sub, a past nbf) cannot change.
func (t tokens) subject(raw string, now time.Time) (string, error) {
	if v, ok := t.verified.Get(raw); ok {
		if now.Before(v.until) {
			return v.subject, nil
		}
		t.verified.Remove(raw)
	}
	var claims jwt.RegisteredClaims
	_, err := jwt.ParseWithClaims(raw, &claims, func(*jwt.Token) (any, error) { return t.key, nil },
		// Pinning the method refuses "none" and every algorithm-confusion trick.
		jwt.WithValidMethods([]string{jwt.SigningMethodHS256.Alg()}),
		jwt.WithExpirationRequired(),
		jwt.WithLeeway(tokenLeeway),
		jwt.WithTimeFunc(func() time.Time { return now }),
	)
	if err != nil {
		return "", err
	}
	if claims.Subject == "" {
		return "", errors.New("token has no sub")
	}
	t.verified.Add(raw, verifiedToken{subject: claims.Subject, until: claims.ExpiresAt.Add(tokenLeeway)})
	return claims.Subject, nil
}
