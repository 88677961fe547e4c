"""Users with a role, agent groups, skills and API tokens."""

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models


class Role(models.TextChoices):
    ADMIN = "admin", "Admin"
    MANAGER = "manager", "Manager"
    AGENT = "agent", "Agent"
    CUSTOMER = "customer", "Customer"


class Seniority(models.IntegerChoices):
    JUNIOR = 1, "Junior"
    REGULAR = 2, "Regular"
    SENIOR = 3, "Senior"


STAFF_ROLES = (Role.ADMIN, Role.MANAGER, Role.AGENT)


class Skill(models.Model):
    name = models.CharField(max_length=80, unique=True)

    def __str__(self) -> str:
        return self.name


class Users(UserManager["User"]):
    def create_superuser(self, username, email=None, password=None, **extra_fields):  # type: ignore[no-untyped-def]
        # `manage.py createsuperuser` makes an admin: the role is what grants the admin.
        extra_fields.setdefault("role", Role.ADMIN)
        return super().create_superuser(username, email, password, **extra_fields)


class User(AbstractUser):
    objects = Users()

    role = models.CharField(max_length=16, choices=Role.choices, default=Role.CUSTOMER)
    seniority = models.PositiveSmallIntegerField(
        choices=Seniority.choices, default=Seniority.REGULAR
    )
    skills = models.ManyToManyField(Skill, blank=True, related_name="agents")
    # Pages show times in the reader's zone; storage and the API stay in UTC.
    time_zone = models.CharField(max_length=64, default="UTC")
    # Optional two-factor sign-in for staff (tierdesk/accounts/two_factor.py): the TOTP
    # secret, when it was confirmed (null: not on), and the last time step used, so that
    # a code read over a shoulder cannot be replayed within its 30 seconds.
    totp_secret = models.CharField(max_length=64, blank=True)
    totp_confirmed_at = models.DateTimeField(null=True, blank=True)
    totp_last_step = models.BigIntegerField(default=0)

    def save(self, *args: object, **kwargs: object) -> None:
        # The Django admin opens to admins only, whoever edits the user and however: a
        # demoted admin loses staff and superuser in the same write that changes the role.
        admin = self.role == Role.ADMIN
        if (self.is_staff, self.is_superuser) != (admin, admin):
            self.is_staff = self.is_superuser = admin
            fields = kwargs.get("update_fields")
            if fields is not None:
                kwargs["update_fields"] = {*fields, "is_staff", "is_superuser"}  # type: ignore[misc]
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    @property
    def is_agent(self) -> bool:
        """Anyone who works tickets: agents, managers and admins."""
        return self.role in STAFF_ROLES

    @property
    def is_customer(self) -> bool:
        return self.role == Role.CUSTOMER

    @property
    def is_tier_admin(self) -> bool:
        return self.role == Role.ADMIN


class AgentGroup(models.Model):
    name = models.CharField(max_length=80, unique=True)
    lead = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="led_groups"
    )
    members = models.ManyToManyField(User, blank=True, related_name="agent_groups")
    skills = models.ManyToManyField(Skill, blank=True, related_name="groups")

    def __str__(self) -> str:
        return self.name


class ApiToken(models.Model):
    """A bearer token; only its SHA-256 digest is stored, so a database leak leaks no token."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=80)
    prefix = models.CharField(max_length=8)
    digest = models.CharField(max_length=64, unique=True)  # token_by_digest()
    created_at = models.DateTimeField()
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"
