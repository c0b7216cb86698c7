# CMake generated Testfile for 
# Source directory: /work/wt-query
# Build directory: /work/wt-query/build2
# 
# This file includes the relevant testing commands required for 
# testing this directory and lists subdirectories to be tested as well.
subdirs("engine/common")
subdirs("engine/read")
subdirs("partitions")
subdirs("engine/render")
subdirs("engine/query")
subdirs("engine/exec")
subdirs("engine/dns")
subdirs("engine/dist")
subdirs("engine/cli")
subdirs("bench")
subdirs("tests")
