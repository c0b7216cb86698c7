# CMake generated Testfile for 
# Source directory: /work/wt-query/bench
# Build directory: /work/wt-query/build2/bench
# 
# This file includes the relevant testing commands required for 
# testing this directory and lists subdirectories to be tested as well.
