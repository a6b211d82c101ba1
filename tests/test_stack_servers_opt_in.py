"""YARN is opt-in: the default stack stays small, PA_STACK_YARN=1 adds the ResourceManager and NodeManager."""

from __future__ import annotations

import settings
from local_stack.servers import of_stack


def test_the_default_stack_runs_no_yarn_and_the_setting_adds_it_after_hdfs():
    default = [spec.name for spec in of_stack(settings.load_stack({}))]
    assert "yarn-rm" not in default and "yarn-nm" not in default
    with_yarn = [spec.name for spec in of_stack(settings.load_stack({"PA_STACK_YARN": "1"}))]
    assert with_yarn[with_yarn.index("hdfs-datanode") + 1 : with_yarn.index("hdfs-datanode") + 3] == [
        "yarn-rm",
        "yarn-nm",
    ]
