package apply

// Resender is implemented by providers whose receiver deduplicates a repeated Publish by itself, so
// the engine may resend a publication whose intent has no result even though Lookup cannot confirm
// what happened. The webhook provider is one: every attempt carries the same delivery id
// (X-Postctl-Delivery, webhook-id and the body's "id"), and the receiver deduplicates on it.
//
// A provider that does not implement Resender, or answers false, must never be resent blind: an
// unknown publication stays unknown until Lookup confirms.
type Resender interface {
	SafeToResend() bool
}

// SafeToResend says whether p may be published again after an interrupted call that Lookup could
// not settle.
func SafeToResend(p Provider) bool {
	r, ok := p.(Resender)
	return ok && r.SafeToResend()
}
