from django import forms

from .choices import EmailMode


class PreferenceForm(forms.Form):
    email_mode = forms.ChoiceField(label="Nhận thư điện tử khi có thông báo", choices=EmailMode.choices,
                                   widget=forms.RadioSelect)
