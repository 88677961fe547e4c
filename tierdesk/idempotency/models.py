"""Writes the API already did for a client's Idempotency-Key, with the answer it gave."""

from django.db import models


class IdempotentRequest(models.Model):
    # Whose key: a digest of the bearer token or the session, so keys never collide
    # between clients and a stored answer is only ever replayed to the one who asked.
    client = models.CharField(max_length=64)
    key = models.CharField(max_length=255)
    method = models.CharField(max_length=8)
    path = models.CharField(max_length=512)
    body_digest = models.CharField(max_length=64)
    status = models.PositiveSmallIntegerField()
    content_type = models.CharField(max_length=100)
    response = models.BinaryField()
    created_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["client", "key"], name="one_answer_per_client_key")
        ]
        indexes = [models.Index(fields=["created_at"], name="idempotency_age")]

    def __str__(self) -> str:
        return f"{self.method} {self.path} [{self.key}] -> {self.status}"
