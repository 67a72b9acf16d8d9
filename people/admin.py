from django.contrib import admin

from people.models import Person, Post


@admin.register(Person)
class PersonAdmin(admin.ModelAdmin):
    list_display = ["name", "initials", "job_title", "organisation", "user"]
    list_filter = ["organisation"]
    search_fields = ["name", "initials", "email"]
    autocomplete_fields = ["user"]


@admin.register(Post)
class PostAdmin(admin.ModelAdmin):
    list_display = ["abbreviation", "title", "organisation", "holder", "seniority"]
    list_filter = ["organisation"]
    search_fields = ["abbreviation", "title", "holder__name"]
    # The holder changes through the directory's "Change holder", which keeps the history
    # of holdings that Post.holder_on reads; edited here, the two would disagree.
    readonly_fields = ["holder"]
