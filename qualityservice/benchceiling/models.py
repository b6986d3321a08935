from django.db import models


class CeilingRow(models.Model):
    payload = models.CharField(max_length=200)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.payload
