"""Admin rights follow the role: users whose staff flags disagree with it are put right."""

import tierdesk.accounts.models
from django.db import migrations


def align_admin_rights(apps, schema_editor):
    User = apps.get_model("accounts", "User")
    User.objects.filter(role="admin").update(is_staff=True, is_superuser=True)
    User.objects.exclude(role="admin").update(is_staff=False, is_superuser=False)



class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0002_user_time_zone'),
    ]

    operations = [
        migrations.AlterModelManagers(
            name='user',
            managers=[
                ('objects', tierdesk.accounts.models.Users()),
            ],
        ),
        migrations.RunPython(align_admin_rights, migrations.RunPython.noop),
    ]
