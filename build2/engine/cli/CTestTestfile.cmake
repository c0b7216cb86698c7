# CMake generated Testfile for 
# Source directory: /work/wt-query/engine/cli
# Build directory: /work/wt-query/build2/engine/cli
# 
# This file includes the relevant testing commands required for 
# testing this directory and lists subdirectories to be tested as well.
