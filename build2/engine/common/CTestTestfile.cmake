# CMake generated Testfile for 
# Source directory: /work/wt-query/engine/common
# Build directory: /work/wt-query/build2/engine/common
# 
# This file includes the relevant testing commands required for 
# testing this directory and lists subdirectories to be tested as well.
