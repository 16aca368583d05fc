"""Page-type rules of the course tree: HomePage → CourseIndexPage → ModulePage → LessonPage."""

from wagtail.models import Page
from wagtail.test.utils import WagtailPageTestCase

from courses.models import CourseIndexPage, LessonPage, ModulePage
from portal.models import HomePage, StandardPage


class CoursePageTypeRules(WagtailPageTestCase):
    def test_course_index_lives_under_the_home_page_only(self):
        self.assertCanCreateAt(HomePage, CourseIndexPage)
        self.assertCanNotCreateAt(StandardPage, CourseIndexPage)
        self.assertCanNotCreateAt(ModulePage, CourseIndexPage)
        self.assertAllowedParentPageTypes(CourseIndexPage, {HomePage})

    def test_modules_live_in_the_course_index_only(self):
        self.assertCanCreateAt(CourseIndexPage, ModulePage)
        self.assertCanNotCreateAt(HomePage, ModulePage)
        self.assertCanNotCreateAt(ModulePage, ModulePage)
        self.assertAllowedParentPageTypes(ModulePage, {CourseIndexPage})
        self.assertAllowedSubpageTypes(CourseIndexPage, {ModulePage})

    def test_lessons_live_in_modules_and_have_no_children(self):
        self.assertCanCreateAt(ModulePage, LessonPage)
        self.assertCanNotCreateAt(CourseIndexPage, LessonPage)
        self.assertCanNotCreateAt(LessonPage, LessonPage)
        self.assertAllowedParentPageTypes(LessonPage, {ModulePage})
        self.assertAllowedSubpageTypes(ModulePage, {LessonPage})
        self.assertAllowedSubpageTypes(LessonPage, set())

    def test_only_one_course_index_per_home_page(self):
        assert CourseIndexPage.max_count_per_parent == 1
        self.assertCanNotCreateAt(Page, ModulePage)
