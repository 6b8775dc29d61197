from django.apps import AppConfig


class ScoringConfig(AppConfig):
    name = "scoring"
    verbose_name = "Chấm điểm, xếp hạng"

    def ready(self) -> None:
        from celery.schedules import crontab
        from django.conf import settings

        from . import criteria  # noqa: F401  (connects the round_closed receiver)

        # Monthly upload reminder: every day at 08:00 the task checks whether today
        # is the configured reminder day (settings.UPLOAD_REMINDER_DAY), so changing
        # the setting needs no new schedule.
        settings.CELERY_BEAT_SCHEDULE.setdefault(
            "scoring-upload-reminders",
            {"task": "scoring.tasks.send_upload_reminders", "schedule": crontab(hour=8, minute=0)},
        )
